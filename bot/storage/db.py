"""Engine and session factory for the console database.

SQLite by default (`var/console.db`, nothing to install for `make run`); PostgreSQL in production
by setting `CONSOLE_DATABASE_URL`. Sessions use SQLAlchemy's 2.0-style API (`future=True`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import create_engine, event
from sqlalchemy.engine import CursorResult, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

DEFAULT_URL = "sqlite:///var/console.db"
CHUNK = 500  # ids per IN (...): within every database's limit on bound parameters


def database_url(env: dict[str, str] | None = None) -> str:
    """`CONSOLE_DATABASE_URL`, or the SQLite file under var/."""
    env = dict(os.environ if env is None else env)
    return env.get("CONSOLE_DATABASE_URL") or DEFAULT_URL


def create_private(path: Path) -> None:
    """The database file (and its folder, when we make it) readable by this user only.

    It holds residents' contacts and conversations; SQLite gives its journal the same mode.
    """
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    elif path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
        path.chmod(0o600)  # one made before this rule (or by hand) becomes private too


def make_engine(url: str) -> Engine:
    """An engine; for SQLite, the file is created private and foreign keys are switched on."""
    parsed = make_url(url)
    options: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            create_private(Path(parsed.database))
        # The console's threads (FastAPI's pool) share the engine; wait for a busy writer.
        options["connect_args"] = {"check_same_thread": False, "timeout": 15}
        if parsed.database and parsed.database != ":memory:":
            # Kept connections (SQLAlchemy 1.4 opens a new file connection per use otherwise):
            # the gateway asks for open tickets on every resident's message.
            options["poolclass"] = QueuePool
    else:
        options["pool_pre_ping"] = True
    engine = create_engine(url, **options)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database:
    """One engine and its session factory; `transaction()` commits or rolls back."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose changes are committed together, or none of them on an error."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def changed_rows(session: Session, statement: Any) -> int:
    """How many rows an UPDATE or DELETE changed (what makes a conditional change atomic)."""
    return int(cast(CursorResult, session.execute(statement)).rowcount)
