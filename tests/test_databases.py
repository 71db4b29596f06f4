"""One `db` fixture for both databases: a test marked `databases(...)` runs once on each."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from bot.storage import Database
from bot.storage.models import Base, Staff
from tests.console.conftest import add_staff


@pytest.mark.databases("sqlite", "postgresql")
@pytest.mark.parametrize("round_", [1, 2])  # the second run sees nothing of the first
def test_each_test_gets_a_migrated_empty_console_database(
    db: Database, database_kind: str, round_: int
) -> None:
    assert db.engine.dialect.name == database_kind
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Staff)) == 0
    assert add_staff(db, f"anna{round_}").id == 1
