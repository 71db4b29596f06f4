"""Rasa's SQL tracker store, read (and, for retention, deleted from) with SQLAlchemy Core.

The table is Rasa's (`rasa.core.tracker_store.SQLTrackerStore`); this module only describes its
columns, never creates or migrates it. An empty or missing store reads as no conversations.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine, inspect
from sqlalchemy.engine import Engine, make_url

METADATA = MetaData()
EVENTS = Table(
    "events",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def tracker_engine(url: str) -> Engine:
    """An engine for the tracker store (SQLite files are not created when missing)."""
    options: dict[str, Any] = {"future": True}
    if make_url(url).get_backend_name() == "sqlite":
        options["connect_args"] = {"check_same_thread": False, "timeout": 15}
    else:
        options["pool_pre_ping"] = True
    return create_engine(url, **options)


def has_events(engine: Engine) -> bool:
    """Whether Rasa has created its table yet (a missing SQLite file is not created here)."""
    url = engine.url
    sqlite_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if sqlite_file and not Path(str(url.database)).exists():
        return False
    return inspect(engine).has_table("events")


def to_datetime(timestamp: float | None) -> datetime:
    """Rasa's Unix timestamp as naive UTC, the console's convention."""
    moment = datetime.fromtimestamp(timestamp or 0, timezone.utc)
    return moment.replace(tzinfo=None)


def to_timestamp(moment: datetime) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()
