"""One conversation's transcript, read straight from Rasa's tracker store (indexed by
`sender_id`), so it always shows exactly what Rasa holds, with the handoff from the console's
tables. Masked when shown (`unmasked` only for a supervisor, audited by the caller).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.masking import mask
from bot.review.annotations import Note, tags_and_notes
from bot.review.filters import CHANNELS
from bot.review.settings import ReviewSettings
from bot.review.summary import (
    FALLBACK_ACTIONS,
    FALLBACK_INTENTS,
    confidence_of,
    load_event,
    shown_text,
)
from bot.review.tracker import EVENTS, has_events, to_datetime
from bot.staff_labels import staff_labels
from bot.storage.db import Database
from bot.storage.models import ReviewConversation, ReviewFlag, Ticket, TicketStatus

HIDDEN_ACTIONS = frozenset({"action_listen", "action_session_start"})
# Rasa's own handoff events, as the transcript names them.
PAUSE_EVENTS = staff_labels("pause_events", ("pause", "resume"))
ENDED = (TicketStatus.closed, TicketStatus.returned, TicketStatus.cancelled)
ENDINGS = {
    TicketStatus(key): text
    for key, text in staff_labels("ticket_endings", (s.value for s in ENDED)).items()
}


@dataclass
class TranscriptItem:
    """One line of a transcript: a message, a bot action or a handoff event."""

    at: datetime
    kind: str  # user | bot | worker | action | handoff | session
    text: str = ""
    event_id: int | None = None
    intent: str | None = None
    confidence: float | None = None
    entities: list[tuple[str, str]] = field(default_factory=list)
    trouble: bool = False
    flagged_intent: str | None = None


@dataclass
class Transcript:
    conversation_id: str
    channel: str
    items: list[TranscriptItem]
    reviewed: bool
    tags: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def channel_name(self) -> str:
        return CHANNELS.get(self.channel, self.channel or "nieznany")


class Transcripts:
    """The transcripts' side of the conversation index (bot.review.conversations)."""

    db: Database
    tracker: Engine
    settings: ReviewSettings

    def exists(self, conversation_id: str) -> bool:
        if not has_events(self.tracker):
            return False
        query = select(EVENTS.c.id).where(EVENTS.c.sender_id == conversation_id).limit(1)
        with self.tracker.connect() as connection:
            return connection.execute(query).first() is not None

    def transcript(self, conversation_id: str, unmasked: bool = False) -> Transcript | None:
        """Every message with its time, intent, confidence and entities, the bot's actions and
        the handoff's events, in order; masked unless `unmasked`."""
        if not has_events(self.tracker):
            return None
        shown = (lambda text: text) if unmasked else mask
        query = select(EVENTS).where(EVENTS.c.sender_id == conversation_id).order_by(EVENTS.c.id)
        with self.tracker.connect() as connection:
            rows = connection.execute(query).all()
        if not rows:
            return None
        with self.db.sessions() as session:
            flags = {
                f.event_id: f.correct_intent
                for f in session.scalars(
                    select(ReviewFlag).where(ReviewFlag.conversation_id == conversation_id)
                )
            }
            summary = session.scalars(
                select(ReviewConversation).where(
                    ReviewConversation.conversation_id == conversation_id
                )
            ).first()
            items = self._handoff_items(session, conversation_id)
            tags, notes = tags_and_notes(session, [conversation_id], True, unmasked=unmasked)
        channel = ""
        for row in rows:
            at = to_datetime(row.timestamp)
            if row.type_name == "user":
                event = load_event(row.data)
                channel = str(event.get("input_channel") or channel)
                confidence = confidence_of(event)
                entities = [
                    (str(e.get("entity", "")), shown(str(e.get("value", ""))))
                    for e in (event.get("parse_data") or {}).get("entities") or []
                    if isinstance(e, dict)
                ]
                trouble = (row.intent_name in FALLBACK_INTENTS) or (
                    confidence is not None and confidence < self.settings.low_confidence
                )
                items.append(
                    TranscriptItem(
                        at,
                        "user",
                        shown(shown_text(event)),
                        row.id,
                        row.intent_name,
                        confidence,
                        entities,
                        trouble,
                        flags.get(row.id),
                    )
                )
            elif row.type_name == "bot":
                event = load_event(row.data)
                author = (event.get("metadata") or {}).get("author")
                text = shown(str(event.get("text") or ""))
                if author:  # a social worker's message, recorded by the console
                    items.append(TranscriptItem(at, "worker", f"{author}: {text}"))
                else:
                    items.append(TranscriptItem(at, "bot", text))
            elif row.type_name in PAUSE_EVENTS:
                items.append(TranscriptItem(at, "handoff", PAUSE_EVENTS[row.type_name]))
            elif row.type_name == "action" and row.action_name not in HIDDEN_ACTIONS:
                trouble = row.action_name in FALLBACK_ACTIONS
                items.append(TranscriptItem(at, "action", str(row.action_name), trouble=trouble))
            elif row.type_name == "session_started":
                items.append(TranscriptItem(at, "session", "Początek sesji"))
        items.sort(key=lambda item: item.at)
        return Transcript(
            conversation_id,
            channel,
            items,
            bool(summary and summary.reviewed_at),
            tags.get(conversation_id, []),
            notes.get(conversation_id, []),
        )

    def _handoff_items(self, session: Any, conversation_id: str) -> list[TranscriptItem]:
        """The handoff from the console's tables (the workers' messages are in the tracker)."""
        items: list[TranscriptItem] = []
        tickets = list(
            session.scalars(select(Ticket).where(Ticket.conversation_id == conversation_id))
        )
        for ticket in tickets:
            items.append(
                TranscriptItem(
                    ticket.created_at,
                    "handoff",
                    f"Przekazano pracownikowi (zgłoszenie #{ticket.id})",
                )
            )
            if ticket.claimed_at:
                who = ticket.claimant.first_name if ticket.claimant else "pracownik"
                items.append(
                    TranscriptItem(ticket.claimed_at, "handoff", f"Rozmowę przejął(-ęła): {who}")
                )
            if ticket.closed_at:
                items.append(TranscriptItem(ticket.closed_at, "handoff", ENDINGS[ticket.status]))
        return items
