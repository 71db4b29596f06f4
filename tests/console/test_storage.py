"""The migrations create exactly the schema the models describe, and upgrade existing data."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from bot.handoff import CallbackService
from bot.storage import Database, database_url, upgrade
from bot.storage.migrate import alembic_config
from bot.storage.models import Base
from tests.console.conftest import add_staff, sqlite_url

BEFORE_TAKING = "0004_login_throttle"  # the last revision without who took a call-back


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


def upgrade_keeps_call_backs(url: str) -> None:
    """A database in use before call-backs could be taken, with a request waiting, upgraded to
    the head: the request is kept, nobody has taken it, and a worker can; down again, it stays.
    (Also run on PostgreSQL by tests/test_postgresql.py.)"""
    upgrade(url, BEFORE_TAKING)
    old = Database(url)
    with old.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO callback_request (conversation_id, channel, summary, contact_kind,"
                " contact_value, consent_given, status, created_at)"
                " VALUES ('c1', 'web', 'Opieka nad mamą', 'phone', '600 100 200', :yes, 'new', :at)"
            ),
            {"yes": True, "at": datetime(2026, 11, 30, 9, 0)},
        )
    old.dispose()

    upgrade(url)
    database = Database(url)
    try:
        (waiting,) = CallbackService(database).list()
        assert (waiting.contact_value, waiting.summary, waiting.status) == (
            "600 100 200",
            "Opieka nad mamą",
            "new",
        )
        assert (waiting.taken_by, waiting.taken_at) == (None, None)
        assert CallbackService(database).count_new() == 1
        taken = CallbackService(database).take(waiting.id, add_staff(database, "ania"))
        assert taken.taken_by_name == "Anna" and taken.taken_at is not None
        with database.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        database.dispose()

    command.downgrade(alembic_config(url), BEFORE_TAKING)
    database = Database(url)
    try:
        with database.engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("callback_request")}
            kept = connection.execute(text("SELECT contact_value FROM callback_request")).scalars()
            assert list(kept) == ["600 100 200"]
    finally:
        database.dispose()
    assert not {"taken_by", "taken_at"} & columns


def test_upgrade_keeps_call_backs_and_lets_them_be_taken(tmp_path: Path) -> None:
    upgrade_keeps_call_backs(sqlite_url(tmp_path))
