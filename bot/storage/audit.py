"""The audit trail: one row per change, written in the same transaction as the change."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.db import Database
from bot.storage.models import AuditEntry, utcnow


def record(session: Session, actor_id: int | None, action: str, target: str = "") -> None:
    """Add an entry; it is committed (or rolled back) with the change it describes."""
    session.add(AuditEntry(actor_id=actor_id, action=action, target=target, at=utcnow()))


def recent(session: Session, limit: int = 200) -> list[AuditEntry]:
    """The newest entries first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    return list(session.scalars(query))


def record_alone(db: Database, actor_id: int | None, action: str, target: str = "") -> None:
    """An entry for something that changes nothing (a view, an export), in its own transaction."""
    with db.transaction() as session:
        record(session, actor_id, action, target)
