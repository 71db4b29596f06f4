"""Retention (RODO): conversations idle longer than N days are deleted, tracker events included.

A conversation is judged by its last event, so an ongoing one is never cut in half. Deleted with
it: the review's own rows (summary, flags, notes/tags) and its handoff tickets with their call-back
requests (they hold contact data). A conversation with an open ticket (waiting or claimed) is kept
until the ticket is closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from bot.handoff.tickets import ACTIVE
from bot.review.annotations import target_of
from bot.review.tracker import EVENTS, has_events, to_timestamp
from bot.storage import audit
from bot.storage.db import Database
from bot.storage.models import (
    CallbackRequest,
    ReviewConversation,
    ReviewFlag,
    ReviewNote,
    Ticket,
    utcnow,
)

CHUNK = 500  # conversation ids per DELETE: bounded statements on PostgreSQL and SQLite


@dataclass(frozen=True)
class RetentionResult:
    conversations: int
    events: int
    kept_open: int  # old, but with an open handoff ticket


def expired(tracker: Engine, cutoff: datetime) -> list[str]:
    """Conversations whose last event is older than `cutoff` (naive UTC)."""
    if not has_events(tracker):
        return []
    query = (
        select(EVENTS.c.sender_id)
        .group_by(EVENTS.c.sender_id)
        .having(func.max(EVENTS.c.timestamp) < to_timestamp(cutoff))
    )
    with tracker.connect() as connection:
        return list(connection.scalars(query))


def delete_conversations(
    tracker: Engine, db: Database, conversation_ids: Iterable[str]
) -> tuple[int, int]:
    """Delete these conversations everywhere; returns (conversations, tracker events) deleted."""
    ids = list(dict.fromkeys(conversation_ids))
    events = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with tracker.begin() as connection:
            events += connection.execute(
                delete(EVENTS).where(EVENTS.c.sender_id.in_(chunk))
            ).rowcount
        with db.transaction() as session:
            tickets = select(Ticket.id).where(Ticket.conversation_id.in_(chunk))
            statements = [
                delete(CallbackRequest).where(CallbackRequest.ticket_id.in_(tickets)),
                delete(CallbackRequest).where(CallbackRequest.conversation_id.in_(chunk)),
                delete(Ticket).where(Ticket.conversation_id.in_(chunk)),
                *(
                    delete(model).where(model.conversation_id.in_(chunk))
                    for model in (ReviewConversation, ReviewFlag, ReviewNote)
                ),
            ]
            for statement in statements:  # nothing is loaded: no session state to synchronise
                session.execute(statement.execution_options(synchronize_session=False))
    return len(ids), events


def open_ticket_conversations(db: Database, conversation_ids: list[str]) -> set[str]:
    found: set[str] = set()
    with db.sessions() as session:
        for start in range(0, len(conversation_ids), CHUNK):
            chunk = conversation_ids[start : start + CHUNK]
            query = select(Ticket.conversation_id).where(
                Ticket.conversation_id.in_(chunk), Ticket.status.in_(ACTIVE)
            )
            found.update(session.scalars(query))
    return found


def apply_retention(
    tracker: Engine, db: Database, days: int, now: datetime | None = None
) -> RetentionResult:
    """Delete every conversation idle for more than `days` days; one audit entry for the run."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    old = expired(tracker, cutoff)
    keep = open_ticket_conversations(db, old)
    count, events = delete_conversations(tracker, db, [c for c in old if c not in keep])
    with db.transaction() as session:
        audit.record(session, None, "review.retention", f"days:{days} conversations:{count}")
    return RetentionResult(count, events, len(keep))


def delete_one(tracker: Engine, db: Database, conversation_id: str, actor_id: int) -> bool:
    """A supervisor's deletion on request (e.g. the resident's RODO request); audited."""
    count, events = delete_conversations(tracker, db, [conversation_id])
    with db.transaction() as session:
        audit.record(session, actor_id, "review.deleted", target_of(conversation_id))
    return events > 0
