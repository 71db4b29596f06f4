"""Conversations for review, read from Rasa's SQL tracker store.

Two reads, for two needs:

- the **list** (filters, search, paging at 100 000 conversations) reads a summary table in the
  console database, `review_conversation`, which `sync()` keeps up to date by reading the
  tracker's new events past a mark (`events.id` only grows). Aggregating the events table on every
  page would scan millions of rows; the summary answers from one indexed table, and it joins the
  console's own data (tickets, the reviewed mark) in one query;
- the **transcript** reads one conversation's events straight from the tracker store (indexed by
  `sender_id`), so it always shows exactly what Rasa holds.

Masking: the summary stores only masked text (the preview and the search text), so searching
cannot find a PESEL and the index leaks nothing; transcripts are masked when shown (`unmasked`
only for a supervisor, audited by the caller).

Tags and notes (`review_note`: a tag is a short `tag` with empty `text`, a note has no `tag`) are
stored as staff typed them: notes are masked when shown, like transcripts; tags cannot hold
personal data at all (they appear in the list, the exports and the filter's URL), so one that
looks like a phone number or a PESEL is refused.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, exists, func, or_, select, tuple_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.masking import mask
from bot.nlp.text import fold_diacritics
from bot.review.tracker import EVENTS, has_events, to_datetime, tracker_engine
from bot.storage import audit
from bot.storage.db import Database
from bot.storage.identity import Actor
from bot.storage.models import (
    ReviewConversation,
    ReviewFlag,
    ReviewNote,
    ReviewSync,
    Staff,
    Ticket,
    TicketStatus,
    utcnow,
)

FALLBACK_INTENTS = frozenset({"nlu_fallback"})
MIN_YEAR, MAX_YEAR = 2000, 2999  # date filters outside these mean nothing for this service
FALLBACK_ACTIONS = frozenset({"action_clarify", "action_default_fallback"})
HIDDEN_ACTIONS = frozenset({"action_listen", "action_session_start"})
CHANNELS = {"rest": "czat na stronie", "facebook": "Messenger", "cmdline": "terminal"}
SEARCH_CHARS = 4000  # per conversation: enough for what residents write, bounded row size
WARSAW = ZoneInfo("Europe/Warsaw")  # staff pick dates in Kraków's time
TAG_CHARS = 40  # a label to filter by, not a sentence: notes are for sentences
NOTE_CHARS = 2000
TAG_PATTERN = re.compile(r"(?:[^\W_]|[ -])+")  # letters (Polish too), digits, spaces, hyphens
CHUNK = 500  # ids per IN (...): within every database's limit on bound parameters
SPARSE_TAG = 5000  # fewer tagged conversations than this: the tag filter starts from them


def fold(text: str) -> str:
    """Lower case without Polish letters: „Zasiłek” and „zasilek” search alike."""
    return fold_diacritics(text.lower())


class ReviewError(Exception):
    """A tag or note refused, with the HTTP status (400 input, 403 role, 404 missing) and the
    Polish reason staff see."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _tag_form(raw: str | None) -> str:
    """The stored form: one space between words, no edge spaces or hyphens, lower case, so
    „ Pilne ” and „pilne” are one tag."""
    return " ".join((raw or "").split()).strip(" -").lower()


def normalise_tag(raw: str | None) -> str:
    """A tag as stored, or ReviewError(400) saying what to change."""
    tag = _tag_form(raw)
    if not tag:
        raise ReviewError(400, "Proszę wpisać etykietę.")
    if len(tag) > TAG_CHARS:
        raise ReviewError(400, f"Etykieta może mieć najwyżej {TAG_CHARS} znaków.")
    if not TAG_PATTERN.fullmatch(tag):
        raise ReviewError(400, "Etykieta może zawierać tylko litery, cyfry, spacje i łączniki.")
    if mask(tag) != tag:
        raise ReviewError(400, "Etykieta nie może zawierać danych osobowych (np. numeru telefonu).")
    return tag


def clean_note(raw: str | None) -> str:
    """A note as stored (trimmed, Unix line ends), or ReviewError(400)."""
    text = _storable(raw or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ReviewError(400, "Proszę wpisać treść notatki.")
    if len(text) > NOTE_CHARS:
        raise ReviewError(400, f"Notatka może mieć najwyżej {NOTE_CHARS} znaków.")
    return text


@dataclass(frozen=True)
class ReviewSettings:
    """Where the tracker store is and the review's limits; `from_env` names the variables."""

    tracker_url: str = "sqlite:///var/tracker.db"
    retention_days: int = 90
    low_confidence: float = 0.6  # above the FallbackClassifier's 0.5: shows the near misses too
    page_size: int = 50

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ReviewSettings:
        env = dict(os.environ if env is None else env)
        return cls(
            tracker_url=env.get("REVIEW_TRACKER_URL") or cls.tracker_url,
            retention_days=int(env.get("REVIEW_RETENTION_DAYS") or cls.retention_days),
            low_confidence=float(env.get("REVIEW_LOW_CONFIDENCE") or cls.low_confidence),
        )


def _flag(value: str | None) -> bool | None:
    return {"1": True, "0": False}.get(value or "")


def _date(value: str | None) -> date | None:
    """A filter date; nonsense (or a year the day arithmetic would overflow) is no filter."""
    try:
        parsed = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return parsed if parsed and MIN_YEAR <= parsed.year <= MAX_YEAR else None


def _utc_midnight(day: date) -> datetime:
    """Kraków's midnight of `day` as naive UTC (the stored form)."""
    local = datetime.combine(day, time(0), tzinfo=WARSAW)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Filters:
    """The list's filters, from and back to the page's query string."""

    date_from: date | None = None
    date_to: date | None = None
    channel: str = ""
    intent: str = ""
    trouble: bool | None = None  # low confidence or fallback
    handed: bool | None = None
    district: bool | None = None  # a district found at all
    reviewed: bool | None = None
    q: str = ""
    tag: str = ""
    district_is: str = ""  # one district, its Roman numeral ("XIII") as the bot's slot holds it

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> Filters:
        return cls(
            date_from=_date(params.get("from")),
            date_to=_date(params.get("to")),
            channel=(params.get("channel") or "").strip()[:32],
            intent=(params.get("intent") or "").strip()[:100],
            trouble=_flag(params.get("trouble")),
            handed=_flag(params.get("handed")),
            district=_flag(params.get("district")),
            reviewed=_flag(params.get("reviewed")),
            q=(params.get("q") or "").strip()[:200],
            tag=_tag_form(params.get("tag"))[:TAG_CHARS],
            district_is=(params.get("district_is") or "").strip().upper()[:10],
        )

    def to_query(self) -> dict[str, str]:
        """Non-empty filters as query parameters (for paging and export links)."""
        out = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "channel": self.channel,
            "intent": self.intent,
            "q": self.q,
            "tag": self.tag,
            "district_is": self.district_is,
        }
        for name in ("trouble", "handed", "district", "reviewed"):
            value = getattr(self, name)
            out[name] = "" if value is None else str(int(value))
        return {k: v for k, v in out.items() if v}


@dataclass(frozen=True)
class Note:
    """A staff note on a conversation; `text` is masked unless a supervisor unmasked the page."""

    id: int
    author_id: int | None
    author: str
    at: datetime
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"author": self.author, "at": self.at.isoformat() + "Z", "text": self.text}


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


# Rasa's own handoff events, as the transcript names them.
PAUSE_EVENTS = {
    "pause": "Asystent wstrzymany (rozmowa u pracownika)",
    "resume": "Asystent wznowiony",
}
ENDINGS = {
    TicketStatus.closed: "Zgłoszenie zamknięte",
    TicketStatus.returned: "Rozmowa oddana asystentowi",
    TicketStatus.cancelled: "Mieszkaniec wrócił do asystenta",
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


def _load(data: str | None) -> dict[str, Any]:
    try:
        value = json.loads(data or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _storable(value: Any, length: int | None = None) -> str:
    """`value` as text every database stores: without NUL characters (PostgreSQL's text cannot
    hold one; a resident can send one, and a refused row would stop the sync there for good),
    cut to the column's `length` (SQLite ignores lengths, PostgreSQL refuses the row)."""
    return str(value).replace("\x00", "")[:length]


def _shown_text(event: dict[str, Any]) -> str:
    """What the resident saw or typed: a button's title rather than its payload."""
    return str((event.get("metadata") or {}).get("shown") or event.get("text") or "")


def _confidence(event: dict[str, Any]) -> float | None:
    value = ((event.get("parse_data") or {}).get("intent") or {}).get("confidence")
    return float(value) if isinstance(value, (int, float)) else None


class ConversationIndex:
    """The review's reads: the summary list (synced from the tracker) and transcripts."""

    def __init__(self, db: Database, settings: ReviewSettings, tracker: Engine | None = None):
        self.db = db
        self.settings = settings
        self.tracker = tracker or tracker_engine(settings.tracker_url)

    # --- keeping the summary up to date ---------------------------------------------------------

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
                moved = session.execute(
                    update(ReviewSync)
                    .where(ReviewSync.id == 1, ReviewSync.last_event_id == mark)
                    .values(last_event_id=rows[-1].id)
                )
                if moved.rowcount != 1:
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
                event = _load(row.data)
                part.user_messages += 1
                part.channel = _storable(event.get("input_channel") or part.channel, 32)
                if row.intent_name:
                    part.intents.add(row.intent_name)
                    part.fallback |= row.intent_name in FALLBACK_INTENTS
                confidence = _confidence(event)
                if confidence is not None:
                    low = part.min_confidence
                    part.min_confidence = confidence if low is None else min(low, confidence)
                text = mask(_storable(_shown_text(event)))
                part.preview = part.preview or text[:200]
                part.texts.append(fold(text))
            elif row.type_name == "action" and row.action_name in FALLBACK_ACTIONS:
                part.fallback = True
            elif row.type_name == "slot" and row.action_name == "district":
                value = _load(row.data).get("value")
                if value:
                    part.district = _storable(value, 100)
        return partials

    def _merge(self, session: Any, partials: dict[str, _Partial]) -> None:
        ids = list(partials)
        existing: dict[str, ReviewConversation] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
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

    # --- the list ------------------------------------------------------------------------------

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
            query = query.where(tuple_(rc.last_at, rc.id) < tuple_(*cursor))
        query = query.order_by(rc.last_at.desc(), rc.id.desc()).limit(limit + 1)
        with self.db.sessions() as session:
            sparse = bool(filters.tag) and _sparse_tag(session, filters.tag)
            query = self._filtered(query, filters, handed, sparse)
            result = session.execute(query).all()
            more = len(result) > limit
            result = result[:limit]
            ids = [conversation.conversation_id for conversation, _ in result]
            tags, notes = _annotations(session, ids, with_notes, unmasked=False)
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
        rc = ReviewConversation
        if filters.date_from:
            query = query.where(rc.last_at >= _utc_midnight(filters.date_from))
        if filters.date_to:
            query = query.where(rc.last_at < _utc_midnight(filters.date_to + timedelta(days=1)))
        if filters.channel:
            query = query.where(rc.channel == filters.channel)
        if filters.intent:
            query = query.where(rc.intents.contains(f",{filters.intent},", autoescape=True))
        if filters.trouble is not None:
            trouble = or_(rc.fallback.is_(True), rc.min_confidence < self.settings.low_confidence)
            query = query.where(trouble if filters.trouble else ~trouble)
        if filters.handed is not None:
            query = query.where(handed if filters.handed else ~handed)
        if filters.district is not None:
            has = and_(rc.district.isnot(None), rc.district != "")
            query = query.where(has if filters.district else ~has)
        if filters.district_is:
            query = query.where(rc.district == filters.district_is)
        if filters.reviewed is not None:
            done = rc.reviewed_at.isnot(None)
            query = query.where(done if filters.reviewed else ~done)
        if filters.tag and sparse_tag:
            # Few tagged conversations: start from them (tag index), then sort the few.
            tagged_ids = select(ReviewNote.conversation_id).where(ReviewNote.tag == filters.tag)
            query = query.where(rc.conversation_id.in_(tagged_ids))
        elif filters.tag:
            # Many: walk the list in order and probe each row (conversation_id index); the
            # page fills after a short walk. Either way one row per conversation, no join.
            tagged = exists().where(
                ReviewNote.conversation_id == rc.conversation_id, ReviewNote.tag == filters.tag
            )
            query = query.where(tagged)
        for word in fold(filters.q).split()[:5]:
            query = query.where(rc.search_text.contains(word, autoescape=True))
        return query

    # --- one conversation -----------------------------------------------------------------------

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
            tags, notes = _annotations(session, [conversation_id], True, unmasked=unmasked)
        channel = ""
        for row in rows:
            at = to_datetime(row.timestamp)
            if row.type_name == "user":
                event = _load(row.data)
                channel = str(event.get("input_channel") or channel)
                confidence = _confidence(event)
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
                        shown(_shown_text(event)),
                        row.id,
                        row.intent_name,
                        confidence,
                        entities,
                        trouble,
                        flags.get(row.id),
                    )
                )
            elif row.type_name == "bot":
                event = _load(row.data)
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

    def mark_reviewed(self, conversation_id: str, actor_id: int, reviewed: bool) -> bool:
        """Set or clear the reviewed mark; False when the conversation is not in the index."""
        with self.db.transaction() as session:
            result = session.execute(
                update(ReviewConversation)
                .where(ReviewConversation.conversation_id == conversation_id)
                .values(
                    reviewed_at=utcnow() if reviewed else None,
                    reviewed_by=actor_id if reviewed else None,
                )
            )
            if result.rowcount:
                action = "review.reviewed" if reviewed else "review.unreviewed"
                audit.record(session, actor_id, action, target_of(conversation_id))
            return bool(result.rowcount)

    # --- tags and notes ------------------------------------------------------------------------

    def add_tag(self, conversation_id: str, raw: str, actor_id: int | None) -> bool:
        """Tag a conversation; False when it already has the tag (nothing written)."""
        tag = normalise_tag(raw)
        with self.db.transaction() as session:
            present = session.scalars(
                select(ReviewNote.id).where(
                    ReviewNote.conversation_id == conversation_id, ReviewNote.tag == tag
                )
            ).first()
            if present is not None:
                return False
            session.add(
                ReviewNote(conversation_id=conversation_id, tag=tag, text="", author_id=actor_id)
            )
            audit.record(session, actor_id, "review.tag_added", target_of(conversation_id))
        return True

    def remove_tag(self, conversation_id: str, raw: str, actor_id: int | None) -> bool:
        """Remove a tag (anyone may: tags are shared labels); False when it was not there."""
        tag = _tag_form(raw)
        with self.db.transaction() as session:
            result = session.execute(
                delete(ReviewNote)
                .where(ReviewNote.conversation_id == conversation_id, ReviewNote.tag == tag)
                .execution_options(synchronize_session=False)
            )
            if not result.rowcount:
                return False
            audit.record(session, actor_id, "review.tag_removed", target_of(conversation_id))
        return True

    def add_note(self, conversation_id: str, raw: str, actor_id: int | None) -> int:
        """Add a note as typed (masked when shown); returns its id."""
        text = clean_note(raw)
        with self.db.transaction() as session:
            note = ReviewNote(
                conversation_id=conversation_id, tag=None, text=text, author_id=actor_id
            )
            session.add(note)
            audit.record(session, actor_id, "review.note_added", target_of(conversation_id))
            session.flush()
            return int(note.id)

    def delete_note(self, conversation_id: str, note_id: int, actor: Actor) -> None:
        """Delete a note: its author's or, for a supervisor, anyone's; else ReviewError."""
        with self.db.transaction() as session:
            note = session.scalars(
                select(ReviewNote).where(
                    ReviewNote.id == note_id,
                    ReviewNote.conversation_id == conversation_id,
                    ReviewNote.tag.is_(None),
                )
            ).first()
            if note is None:
                raise ReviewError(404, "Nie ma takiej notatki (mogła zostać usunięta).")
            if note.author_id != actor.id and not actor.supervises:
                raise ReviewError(403, "Notatkę może usunąć tylko jej autor lub koordynator.")
            session.delete(note)
            audit.record(session, actor.id, "review.note_deleted", target_of(conversation_id))

    def known_tags(self, limit: int = 200) -> list[str]:
        """Tags in use, for the filter's suggestions (DISTINCT over the tag index)."""
        query = (
            select(ReviewNote.tag)
            .where(ReviewNote.tag.isnot(None))
            .distinct()
            .order_by(ReviewNote.tag)
            .limit(limit)
        )
        with self.db.sessions() as session:
            return [t for t in session.scalars(query) if t]


def _sparse_tag(session: Any, tag: str) -> bool:
    """Whether fewer than SPARSE_TAG rows carry `tag` (counted on the tag index, stopping there).

    Measured at 100 000 conversations on SQLite: EXISTS alone scans the whole list for a rare
    tag (0.3–0.5 s), IN (tagged ids) alone sorts every tagged row for a common one (65 ms at
    50 000); choosing by this count keeps both under 15 ms."""
    some = select(ReviewNote.id).where(ReviewNote.tag == tag).limit(SPARSE_TAG).subquery()
    return session.execute(select(func.count()).select_from(some)).scalar_one() < SPARSE_TAG


def _annotations(
    session: Any, conversation_ids: list[str], with_notes: bool, unmasked: bool
) -> tuple[dict[str, list[str]], dict[str, list[Note]]]:
    """Tags (sorted, once each) and, if asked, notes (oldest first, masked unless `unmasked`)
    of these conversations, in one query per chunk."""
    tags: dict[str, list[str]] = {}
    notes: dict[str, list[Note]] = {}
    shown = (lambda text: text) if unmasked else mask
    for start in range(0, len(conversation_ids), CHUNK):
        chunk = conversation_ids[start : start + CHUNK]
        query = (
            select(ReviewNote, Staff.first_name)
            .outerjoin(Staff, Staff.id == ReviewNote.author_id)
            .where(ReviewNote.conversation_id.in_(chunk))
            .order_by(ReviewNote.id)
        )
        if not with_notes:
            query = query.where(ReviewNote.tag.isnot(None))
        for note, author in session.execute(query):
            if note.tag:
                found = tags.setdefault(note.conversation_id, [])
                if note.tag not in found:
                    found.append(note.tag)
            elif with_notes:
                notes.setdefault(note.conversation_id, []).append(
                    Note(
                        note.id,
                        note.author_id,
                        author or "pracownik",
                        note.created_at,
                        shown(note.text),
                    )
                )
    for found in tags.values():
        found.sort()
    return tags, notes


def target_of(conversation_id: str) -> str:
    """The audit entry's target for a conversation (the column holds 200 characters)."""
    return f"conversation:{conversation_id}"[:200]


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
        min_confidence=conversation.min_confidence,
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
