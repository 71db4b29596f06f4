"""Conversations for review, read from Rasa's SQL tracker store: the list and the index.

Two reads, for two needs:

- the **list** (filters, search, paging at 100 000 conversations) reads the summary table in the
  console database, `review_conversation` (kept up to date by bot/review/summary.py), and joins
  the console's own data (tickets, the reviewed mark) in one query;
- the **transcript** reads one conversation's events straight from the tracker store
  (bot/review/transcripts.py).

`ConversationIndex` puts them together with the tags, notes and marks staff add
(bot/review/annotations.py); the list's filters are bot/review/filters.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, literal, or_, select, tuple_
from sqlalchemy.engine import Engine

from bot.review.annotations import Annotations, Note, tags_and_notes
from bot.review.filters import CHANNELS, Filters, utc_midnight
from bot.review.settings import ReviewSettings
from bot.review.summary import SummarySync, fold
from bot.review.tracker import tracker_engine
from bot.review.transcripts import Transcripts
from bot.storage.db import Database
from bot.storage.models import ReviewConversation, ReviewNote, Ticket

SPARSE_TAG = 5000  # fewer tagged conversations than this: the tag filter starts from them


@dataclass(frozen=True)
class ConversationRow:
    """One line of the list; only masked text."""

    id: int
    conversation_id: str
    channel: str
    started_at: datetime
    last_at: datetime
    user_messages: int
    intents: list[str]
    min_confidence: float | None
    fallback: bool
    district: str | None
    preview: str
    handed_over: bool
    reviewed: bool
    tags: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # only for exports (`with_notes`), masked

    @property
    def channel_name(self) -> str:
        return CHANNELS.get(self.channel, self.channel or "nieznany")

    @property
    def notes_text(self) -> str:
        """The notes as one CSV cell: „Ania: text”, one a line."""
        return "\n".join(f"{n.author}: {n.text}" for n in self.notes)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("id")
        data["started_at"] = self.started_at.isoformat() + "Z"
        data["last_at"] = self.last_at.isoformat() + "Z"
        data["notes"] = [n.to_json() for n in self.notes]
        return data


@dataclass(frozen=True)
class Page:
    rows: list[ConversationRow]
    next_cursor: str | None


class ConversationIndex(SummarySync, Transcripts, Annotations):
    """The review's reads and writes: the summary list (synced from the tracker), transcripts,
    and what staff add to a conversation."""

    def __init__(self, db: Database, settings: ReviewSettings, tracker: Engine | None = None):
        self.db = db
        self.settings = settings
        self.tracker = tracker or tracker_engine(settings.tracker_url)

    def list(
        self,
        filters: Filters,
        after: str | None = None,
        limit: int | None = None,
        with_notes: bool = False,
    ) -> Page:
        """One page, newest activity first; `after` is the previous page's `next_cursor`.

        Each row carries its tags; `with_notes` adds the notes, masked (exports only: the list
        page has no room for them and need not read their text)."""
        limit = limit or self.settings.page_size
        rc = ReviewConversation
        handed = exists().where(Ticket.conversation_id == rc.conversation_id)
        query = select(rc, handed.label("handed"))
        cursor = _parse_cursor(after)
        if cursor:
            moment, row_id = cursor
            before: Any = tuple_(literal(moment, rc.last_at.type), literal(row_id, rc.id.type))
            query = query.where(tuple_(rc.last_at, rc.id) < before)
        query = query.order_by(rc.last_at.desc(), rc.id.desc()).limit(limit + 1)
        with self.db.sessions() as session:
            sparse = bool(filters.tag) and _sparse_tag(session, filters.tag)
            query = self._filtered(query, filters, handed, sparse)
            result = session.execute(query).all()
            more = len(result) > limit
            result = result[:limit]
            ids = [conversation.conversation_id for conversation, _ in result]
            tags, notes = tags_and_notes(session, ids, with_notes, unmasked=False)
        rows = [
            _row(c, bool(was_handed), tags.get(c.conversation_id), notes.get(c.conversation_id))
            for c, was_handed in result
        ]
        next_cursor = f"{rows[-1].last_at.isoformat()}_{rows[-1].id}" if more and rows else None
        return Page(rows, next_cursor)

    def iterate(self, filters: Filters, chunk: int = 1000) -> Iterator[ConversationRow]:
        """Every conversation the filters select, page by page (for exports)."""
        after: str | None = None
        while True:
            page = self.list(filters, after, chunk, with_notes=True)
            yield from page.rows
            if not page.next_cursor:
                return
            after = page.next_cursor

    def _filtered(self, query: Any, filters: Filters, handed: Any, sparse_tag: bool) -> Any:
        """The query narrowed by every filter that is set."""
        query = _by_when_and_where(query, filters)
        query = self._by_outcome(query, filters, handed)
        query = _by_tag(query, filters.tag, sparse_tag)
        for word in fold(filters.q).split()[:5]:
            query = query.where(ReviewConversation.search_text.contains(word, autoescape=True))
        return query

    def _by_outcome(self, query: Any, filters: Filters, handed: Any) -> Any:
        """Trouble (fallback or low confidence), handed over, a district found, reviewed."""
        rc = ReviewConversation
        if filters.trouble is not None:
            trouble = or_(rc.fallback.is_(True), rc.min_confidence < self.settings.low_confidence)
            query = query.where(trouble if filters.trouble else ~trouble)
        if filters.handed is not None:
            query = query.where(handed if filters.handed else ~handed)
        if filters.district is not None:
            has = and_(rc.district.isnot(None), rc.district != "")
            query = query.where(has if filters.district else ~has)
        if filters.reviewed is not None:
            done = rc.reviewed_at.isnot(None)
            query = query.where(done if filters.reviewed else ~done)
        return query


def _by_when_and_where(query: Any, filters: Filters) -> Any:
    """Dates (Kraków days of the last activity), channel, intent, one district."""
    rc = ReviewConversation
    if filters.date_from:
        query = query.where(rc.last_at >= utc_midnight(filters.date_from))
    if filters.date_to:
        query = query.where(rc.last_at < utc_midnight(filters.date_to + timedelta(days=1)))
    if filters.channel:
        query = query.where(rc.channel == filters.channel)
    if filters.intent:
        query = query.where(rc.intents.contains(f",{filters.intent},", autoescape=True))
    if filters.district_is:
        query = query.where(rc.district == filters.district_is)
    return query


def _by_tag(query: Any, tag: str, sparse: bool) -> Any:
    rc = ReviewConversation
    if tag and sparse:
        # Few tagged conversations: start from them (tag index), then sort the few.
        tagged_ids = select(ReviewNote.conversation_id).where(ReviewNote.tag == tag)
        return query.where(rc.conversation_id.in_(tagged_ids))
    if tag:
        # Many: walk the list in order and probe each row (conversation_id index); the
        # page fills after a short walk. Either way one row per conversation, no join.
        tagged = exists().where(
            and_(ReviewNote.conversation_id == rc.conversation_id, ReviewNote.tag == tag)
        )
        return query.where(tagged)
    return query


def _sparse_tag(session: Any, tag: str) -> bool:
    """Whether fewer than SPARSE_TAG rows carry `tag` (counted on the tag index, stopping there).

    Measured at 100 000 conversations on SQLite: EXISTS alone scans the whole list for a rare
    tag (0.3–0.5 s), IN (tagged ids) alone sorts every tagged row for a common one (65 ms at
    50 000); choosing by this count keeps both under 15 ms."""
    some = select(ReviewNote.id).where(ReviewNote.tag == tag).limit(SPARSE_TAG).subquery()
    return session.execute(select(func.count()).select_from(some)).scalar_one() < SPARSE_TAG


def _row(
    conversation: ReviewConversation,
    handed: bool,
    tags: list[str] | None = None,
    notes: list[Note] | None = None,
) -> ConversationRow:
    return ConversationRow(
        id=conversation.id,
        conversation_id=conversation.conversation_id,
        channel=conversation.channel,
        started_at=conversation.started_at,
        last_at=conversation.last_at,
        user_messages=conversation.user_messages,
        intents=[i for i in conversation.intents.split(",") if i],
        min_confidence=_float(conversation.min_confidence),
        fallback=conversation.fallback,
        district=conversation.district,
        preview=conversation.preview,
        handed_over=handed,
        reviewed=conversation.reviewed_at is not None,
        tags=tags or [],
        notes=notes or [],
    )


def _parse_cursor(value: str | None) -> tuple[datetime, int] | None:
    if not value:
        return None
    moment, _, row_id = value.rpartition("_")
    try:
        return datetime.fromisoformat(moment), int(row_id)
    except ValueError:
        return None


def _float(value: Any) -> float | None:
    """A Float column's value (the stubs allow a Decimal) as the row's float."""
    return None if value is None else float(value)
