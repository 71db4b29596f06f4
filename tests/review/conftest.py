"""Review test helpers: a migrated console DB and a GENERATED tracker store (Rasa's `events`
table shape, filled with events shaped like Rasa 3.6 writes them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.review.conversations import ConversationIndex
from bot.review.settings import ReviewSettings
from bot.review.tracker import EVENTS, METADATA, tracker_engine
from bot.storage import Database
from bot.storage.models import Ticket, TicketStatus

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


@dataclass
class Turn:
    text: str
    intent: str = "greet"
    confidence: float = 0.95
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply: str = "Dzień dobry! W czym mogę pomóc?"
    action: str = "utter_greet"


def event_rows(
    sender: str,
    start: float,
    turns: list[Turn],
    channel: str = "rest",
    district: str | None = None,
) -> list[dict[str, Any]]:
    """The rows Rasa's SQLTrackerStore writes for a conversation of these turns."""
    rows: list[dict[str, Any]] = []
    clock = start

    def add(type_name: str, data: dict[str, Any], intent=None, action=None) -> None:
        nonlocal clock
        clock += 1.0
        body = {"event": type_name, "timestamp": clock, "metadata": {"model_id": "m"}, **data}
        rows.append(
            {
                "sender_id": sender,
                "type_name": type_name,
                "timestamp": clock,
                "intent_name": intent,
                "action_name": action,
                "data": json.dumps(body),
            }
        )

    add("action", {"name": "action_session_start"}, action="action_session_start")
    add("session_started", {})
    add("action", {"name": "action_listen"}, action="action_listen")
    for turn in turns:
        parse = {
            "intent": {"name": turn.intent, "confidence": turn.confidence},
            "entities": turn.entities,
            "text": turn.text,
        }
        add(
            "user",
            {"text": turn.text, "parse_data": parse, "input_channel": channel},
            intent=turn.intent,
        )
        add("user_featurization", {"use_text_for_featurization": False})
        if district and turn.intent == "inform_address":
            add("slot", {"name": "district", "value": district}, action="district")
        add("action", {"name": turn.action}, action=turn.action)
        add("bot", {"text": turn.reply, "data": {"buttons": None}})
        add("action", {"name": "action_listen"}, action="action_listen")
    return rows


def add_tickets(db: Database, tickets: list[tuple[str, datetime, datetime | None]]) -> None:
    """Web handoff tickets (conversation, created, claimed or None for still waiting), naive UTC."""
    with db.transaction() as session:
        for sender, created, claimed in tickets:
            status = TicketStatus.claimed if claimed else TicketStatus.waiting
            session.add(
                Ticket(
                    conversation_id=sender,
                    channel="web",
                    status=status,
                    created_at=created,
                    claimed_at=claimed,
                )
            )


def add_conversation(engine: Engine, sender: str, start: datetime, turns: list[Turn], **kw) -> None:
    with engine.begin() as connection:
        connection.execute(EVENTS.insert(), event_rows(sender, start.timestamp(), turns, **kw))


@pytest.fixture
def tracker(tracker_url: str) -> Iterator[Engine]:
    engine = tracker_engine(tracker_url)
    METADATA.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def index(db: Database, tracker: Engine, tracker_url: str) -> ConversationIndex:
    return ConversationIndex(db, ReviewSettings(tracker_url=tracker_url, page_size=3), tracker)
