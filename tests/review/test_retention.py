"""Retention: exactly the conversations idle longer than N days go, tracker events and the
console's rows included; newer ones and those with an open ticket stay."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.handoff import CallbackService, TicketService
from bot.review.conversations import ConversationIndex
from bot.review.filters import Filters
from bot.review.retention import apply_retention, delete_one
from bot.review.tracker import EVENTS
from bot.storage.models import AuditEntry, CallbackRequest, ContactKind, Ticket, TicketStatus
from tests.review.conftest import NOW, Turn, add_conversation


def senders(index: ConversationIndex) -> set[str]:
    with index.tracker.connect() as connection:
        return set(connection.scalars(select(EVENTS.c.sender_id).distinct()))


@pytest.mark.databases("sqlite", "postgresql")
def test_exactly_the_old_conversations_are_deleted(index: ConversationIndex) -> None:
    tracker, db = index.tracker, index.db
    for days in (1, 89, 91, 200):
        add_conversation(tracker, f"d{days}", NOW - timedelta(days=days), [Turn("hej")])
    # Started long ago but active yesterday: kept whole.
    add_conversation(tracker, "long", NOW - timedelta(days=120), [Turn("hej")])
    add_conversation(tracker, "long", NOW - timedelta(days=1), [Turn("jeszcze raz")])
    add_conversation(tracker, "open", NOW - timedelta(days=150), [Turn("pomocy")])
    index.sync()
    tickets = TicketService(db)
    old_ticket = tickets.open("d200", "web", "")
    CallbackService(db).request(ContactKind.phone, "601234567", True, old_ticket.id, "d200")
    with db.transaction() as session:  # that handoff ended long ago
        session.execute(update(Ticket).values(status=TicketStatus.closed))
    tickets.open("open", "web", "")  # still waiting: the conversation is kept

    result = apply_retention(tracker, db, 90, now=NOW.replace(tzinfo=None))

    assert (result.conversations, result.kept_open) == (2, 1)
    assert senders(index) == {"d1", "d89", "long", "open"}
    listed = {r.conversation_id for r in index.list(Filters(), limit=50).rows}
    assert listed == {"d1", "d89", "long", "open"}
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CallbackRequest)) == 0
        assert set(session.scalars(select(Ticket.conversation_id))) == {"open"}
        assert session.scalars(select(AuditEntry.action)).all()[-1] == "review.retention"


@pytest.mark.databases("sqlite", "postgresql")
def test_supervisor_deletes_one_conversation(index: ConversationIndex) -> None:
    add_conversation(index.tracker, "a", NOW, [Turn("hej")])
    add_conversation(index.tracker, "b", NOW, [Turn("hej")])
    index.sync()
    assert delete_one(index.tracker, index.db, "a", actor_id=None)
    assert senders(index) == {"b"}
    assert [r.conversation_id for r in index.list(Filters()).rows] == ["b"]


@pytest.mark.databases("sqlite", "postgresql")
def test_command_line(index: ConversationIndex, tracker_url: str) -> None:
    add_conversation(index.tracker, "old", NOW - timedelta(days=400), [Turn("hej")])
    add_conversation(index.tracker, "new", NOW.replace(year=2100), [Turn("hej")])
    done = subprocess.run(
        [sys.executable, "-m", "bot.review", "retention", "--days", "30"],
        env={"REVIEW_TRACKER_URL": tracker_url, "CONSOLE_DATABASE_URL": index.db.url},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Usunięto rozmów: 1" in done.stdout
    assert senders(index) == {"new"}
