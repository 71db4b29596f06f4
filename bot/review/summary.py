"""The summary table `review_conversation`, kept up to date from Rasa's tracker store.

`sync()` reads the tracker's new events past a mark (`events.id` only grows) and folds them into
one row per conversation. Aggregating the events table on every page would scan millions of rows;
the summary answers from one indexed table. It stores only masked text (the preview and the
search text), so searching cannot find a PESEL and the index leaks nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.masking import mask
from bot.polish.text import fold_diacritics
from bot.review.tracker import EVENTS, has_events, to_datetime
from bot.storage.db import CHUNK, Database, changed_rows
from bot.storage.models import ReviewConversation, ReviewSync, utcnow

FALLBACK_INTENTS = frozenset({"nlu_fallback"})
FALLBACK_ACTIONS = frozenset({"action_clarify", "action_default_fallback"})
SEARCH_CHARS = 4000  # per conversation: enough for what residents write, bounded row size


def fold(text: str) -> str:
    """Lower case without Polish letters: „Zasiłek” and „zasilek” search alike."""
    return fold_diacritics(text.lower())


@dataclass
class _Partial:
    """What one batch of events says about one conversation."""

    started: float | None = None
    last: float | None = None
    channel: str = ""
    user_messages: int = 0
    intents: set[str] = field(default_factory=set)
    min_confidence: float | None = None
    fallback: bool = False
    district: str | None = None
    preview: str = ""
    texts: list[str] = field(default_factory=list)


def load_event(data: str | None) -> dict[str, Any]:
    try:
        value = json.loads(data or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def storable(value: Any, length: int | None = None) -> str:
    """`value` as text every database stores: without NUL characters (PostgreSQL's text cannot
    hold one; a resident can send one, and a refused row would stop the sync there for good),
    cut to the column's `length` (SQLite ignores lengths, PostgreSQL refuses the row)."""
    return str(value).replace("\x00", "")[:length]


def shown_text(event: dict[str, Any]) -> str:
    """What the resident saw or typed: a button's title rather than its payload."""
    return str((event.get("metadata") or {}).get("shown") or event.get("text") or "")


def confidence_of(event: dict[str, Any]) -> float | None:
    value = ((event.get("parse_data") or {}).get("intent") or {}).get("confidence")
    return float(value) if isinstance(value, (int, float)) else None


class SummarySync:
    """The summary's side of the conversation index (bot.review.conversations)."""

    db: Database
    tracker: Engine

    def sync(self, batch: int = 5000) -> int:
        """Read the tracker's events past the mark into the summary; returns events read.

        The mark moves with a conditional UPDATE in the same transaction as the summary rows, so
        two processes syncing at once cannot count an event twice: the second one stops.
        """
        if not has_events(self.tracker):
            return 0
        mark = self._mark()
        read = 0
        while True:
            query = (
                select(EVENTS.c.id, EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp)
                .add_columns(EVENTS.c.intent_name, EVENTS.c.action_name, EVENTS.c.data)
                .where(EVENTS.c.id > mark)
                .order_by(EVENTS.c.id)
                .limit(batch)
            )
            with self.tracker.connect() as connection:
                rows = connection.execute(query).all()
            if not rows:
                return read
            partials = self._summarise(rows)
            with self.db.transaction() as session:
                moved = changed_rows(
                    session,
                    update(ReviewSync)
                    .where(ReviewSync.id == 1, ReviewSync.last_event_id == mark)
                    .values(last_event_id=rows[-1].id),
                )
                if moved != 1:
                    return read  # another process is syncing; it will read these
                self._merge(session, partials)
            mark = rows[-1].id
            read += len(rows)

    def _mark(self) -> int:
        """The last event id read, created as 0 on the first sync ever. Two processes may both
        find no mark then: the second one's INSERT fails, and it reads the first one's."""
        with self.db.sessions() as session:
            mark = session.scalar(select(ReviewSync.last_event_id).where(ReviewSync.id == 1))
        if mark is not None:
            return int(mark)
        try:
            with self.db.transaction() as session:
                session.add(ReviewSync(id=1, last_event_id=0))
        except IntegrityError:
            return self._mark()
        return 0

    def _summarise(self, rows: list[Any]) -> dict[str, _Partial]:
        partials: dict[str, _Partial] = {}
        for row in rows:
            part = partials.setdefault(row.sender_id, _Partial())
            if row.timestamp is not None:
                part.started = min(part.started or row.timestamp, row.timestamp)
                part.last = max(part.last or row.timestamp, row.timestamp)
            if row.type_name == "user":
                event = load_event(row.data)
                part.user_messages += 1
                part.channel = storable(event.get("input_channel") or part.channel, 32)
                if row.intent_name:
                    part.intents.add(row.intent_name)
                    part.fallback |= row.intent_name in FALLBACK_INTENTS
                confidence = confidence_of(event)
                if confidence is not None:
                    low = part.min_confidence
                    part.min_confidence = confidence if low is None else min(low, confidence)
                text = mask(storable(shown_text(event)))
                part.preview = part.preview or text[:200]
                part.texts.append(fold(text))
            elif row.type_name == "action" and row.action_name in FALLBACK_ACTIONS:
                part.fallback = True
            elif row.type_name == "slot" and row.action_name == "district":
                value = load_event(row.data).get("value")
                if value:
                    part.district = storable(value, 100)
        return partials

    def _merge(self, session: Any, partials: dict[str, _Partial]) -> None:
        ids = list(partials)
        existing: dict[str, ReviewConversation] = {}
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            query = select(ReviewConversation).where(ReviewConversation.conversation_id.in_(chunk))
            existing.update((c.conversation_id, c) for c in session.scalars(query))
        for sender, part in partials.items():
            started = to_datetime(part.started) if part.started is not None else utcnow()
            last = to_datetime(part.last) if part.last is not None else started
            row = existing.get(sender)
            if row is None:
                row = ReviewConversation(
                    conversation_id=sender,
                    channel="",
                    started_at=started,
                    last_at=last,
                    user_messages=0,
                    intents=",",
                    fallback=False,
                    preview="",
                    search_text="",
                )
                session.add(row)
            row.started_at = min(row.started_at, started)
            row.last_at = max(row.last_at, last)
            row.channel = part.channel or row.channel
            row.user_messages += part.user_messages
            known = set(filter(None, row.intents.split(",")))
            row.intents = "," + "".join(f"{i}," for i in sorted(known | part.intents))
            if part.min_confidence is not None:
                low = row.min_confidence
                row.min_confidence = (
                    min(low, part.min_confidence) if low is not None else (part.min_confidence)
                )
            row.fallback = row.fallback or part.fallback
            row.district = part.district or row.district
            row.preview = row.preview or part.preview
            if part.texts and len(row.search_text) < SEARCH_CHARS:
                joined = "\n".join(filter(None, [row.search_text, *part.texts]))
                row.search_text = joined[:SEARCH_CHARS]
