"""The migrations create exactly the schema the models describe."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.storage import Database, database_url, upgrade
from bot.storage.migrate import alembic_config
from bot.storage.models import Base
from tests.console.conftest import sqlite_url


def test_migrations_on_an_empty_file_match_the_models(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "new" / "folder")
    upgrade(url)
    db = Database(url)
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    db.dispose()
    assert differences == []


def test_upgrade_twice_is_harmless_and_records_the_revision(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    upgrade(url)
    upgrade(url)
    with sqlite3.connect(tmp_path / "console.db") as connection:
        tables = {row[0] for row in connection.execute("select name from sqlite_master")}
        (revision,) = connection.execute("select version_num from alembic_version").fetchone()
    assert {"staff", "handoff_ticket", "callback_request", "audit_entry"} <= tables
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert revision == head and head is not None


def test_url_from_environment_or_sqlite_under_var() -> None:
    assert database_url({}) == "sqlite:///var/console.db"
    url = "postgresql://mops@db/console"
    assert database_url({"CONSOLE_DATABASE_URL": url}) == url
