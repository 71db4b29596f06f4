"""Analytics for the review: SQL aggregates over the summary table `review_conversation` and the
handoff tickets (the charts of `/console/review/analytics` draw them: bot/review/routes/charts.py).

Every count follows the list's own filters, so a chart's link opens exactly the conversations it
counts: a conversation belongs to the Kraków day of its *last* activity (the list's date filter),
„problem” is a fallback or a confidence below `REVIEW_LOW_CONFIDENCE` (the list's `trouble`), and
„handed over” means it has a handoff ticket. Days are grouped by the hour in SQL (Warsaw's offset
is a whole number of hours) and folded into Kraków days here, so the same query runs on SQLite and
PostgreSQL and never returns more than 24 rows a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Numeric, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from bot.clock import LOCAL_ZONE
from bot.review.filters import Filters, utc_midnight
from bot.storage.db import Database
from bot.storage.models import ReviewConversation, Ticket

TOP_INTENTS = 10
MAX_DAYS = 366  # an open range shows at most the last year of days
WAIT_BUCKETS = [  # (upper bound in seconds, label)
    (60, "do 1 min"),
    (5 * 60, "1–5 min"),
    (15 * 60, "5–15 min"),
    (60 * 60, "15–60 min"),
    (None, "ponad godzinę"),
]


@dataclass(frozen=True)
class Day:
    """One Kraków day: conversations (by last activity), with a problem, handed over."""

    day: date
    conversations: int = 0
    trouble: int = 0
    handed: int = 0


@dataclass(frozen=True)
class Waiting:
    """Handoff tickets opened in the range: how long a resident waited for a person."""

    buckets: list[tuple[str, int]]  # claimed tickets by waiting time
    still_waiting: int
    unclaimed: int  # closed or given back to the assistant without a person taking it
    median_seconds: float | None
    average_seconds: float | None

    @property
    def claimed(self) -> int:
        return sum(count for _, count in self.buckets)


@dataclass(frozen=True)
class Analytics:
    """Every aggregate of the analytics page for one date range (both ends optional)."""

    date_from: date | None
    date_to: date | None
    days: list[Day]
    channels: list[tuple[str, int]]
    intents: list[tuple[str, int]]
    districts: list[tuple[str, int]]
    waiting: Waiting
    total: int
    trouble: int
    handed: int

    def base(self) -> Filters:
        """The list's filters for this page's date range."""
        return Filters(date_from=self.date_from, date_to=self.date_to)


def _hour(column: Any, dialect: str) -> Any:
    """The UTC hour of a naive UTC timestamp as text „YYYY-MM-DD HH”."""
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM-DD HH24")
    return func.strftime("%Y-%m-%d %H", column)


def _seconds(later: Any, earlier: Any, dialect: str) -> Any:
    """`later - earlier` in seconds, to the millisecond on both databases: SQLite's julianday()
    rounds each time to the millisecond, and its difference of two day numbers near 2.46 million
    is off by up to 40 µs, so an exact minute came out as 59.99996 s (under „do 1 min”) unless
    rounded; PostgreSQL rounds each time the same way."""
    if dialect == "postgresql":

        def epoch(moment: Any) -> Any:
            return func.round(cast(func.extract("epoch", moment), Numeric), 3)

        return epoch(later) - epoch(earlier)
    return func.round((func.julianday(later) - func.julianday(earlier)) * 86400.0, 3)


def _kraków_day(hour: str) -> date:
    moment = datetime.strptime(hour, "%Y-%m-%d %H").replace(tzinfo=timezone.utc)
    return moment.astimezone(LOCAL_ZONE).date()


def compute(
    db: Database,
    date_from: date | None = None,
    date_to: date | None = None,
    low_confidence: float = 0.6,
) -> Analytics:
    """All of the page's aggregates; a handful of grouped queries, none returning a row per
    conversation."""
    rc = ReviewConversation
    dialect = db.engine.dialect.name
    in_range: list[Any] = []
    if date_from:
        in_range.append(rc.last_at >= utc_midnight(date_from))
    if date_to:
        in_range.append(rc.last_at < utc_midnight(date_to + timedelta(days=1)))
    trouble = or_(rc.fallback.is_(True), rc.min_confidence < low_confidence)
    handed = exists().where(Ticket.conversation_id == rc.conversation_id)
    hour = _hour(rc.last_at, dialect)
    with db.sessions() as session:
        per_hour = session.execute(
            select(
                hour,
                func.count(),
                func.sum(case((trouble, 1), else_=0)),
                func.sum(case((handed, 1), else_=0)),
            )
            .where(*in_range)
            .group_by(hour)
        ).all()
        channels = session.execute(
            select(rc.channel, func.count()).where(*in_range).group_by(rc.channel)
        ).all()
        combos = session.execute(
            select(rc.intents, func.count()).where(*in_range).group_by(rc.intents)
        ).all()
        has_district = and_(rc.district.isnot(None), rc.district != "")
        districts = session.execute(
            select(rc.district, func.count()).where(has_district, *in_range).group_by(rc.district)
        ).all()
        waiting = _waiting(session, date_from, date_to, dialect)

    totals: dict[date, list[int]] = {}
    for bucket, count, bad, gone in per_hour:
        sums = totals.setdefault(_kraków_day(bucket), [0, 0, 0])
        sums[0] += count
        sums[1] += int(bad or 0)
        sums[2] += int(gone or 0)
    days = [Day(day, *totals.get(day, (0, 0, 0))) for day in _day_span(totals, date_from, date_to)]

    intent_counts: dict[str, int] = {}
    for intents, count in combos:
        for name in filter(None, (intents or "").split(",")):
            intent_counts[name] = intent_counts.get(name, 0) + count
    return Analytics(
        date_from=date_from,
        date_to=date_to,
        days=days,
        channels=sorted(((c or "", n) for c, n in channels), key=lambda x: (-x[1], x[0])),
        intents=sorted(intent_counts.items(), key=lambda x: (-x[1], x[0]))[:TOP_INTENTS],
        districts=sorted(((d, n) for d, n in districts), key=lambda x: (-x[1], x[0])),
        waiting=waiting,
        total=sum(t[0] for t in totals.values()),
        trouble=sum(t[1] for t in totals.values()),
        handed=sum(t[2] for t in totals.values()),
    )


def _day_span(found: dict[date, Any], first: date | None, last: date | None) -> list[date]:
    """Every day of the range, days without conversations included."""
    if not found and not (first and last):
        return []
    first = first or min(found)
    last = last or max(found, default=first)
    first = max(first, last - timedelta(days=MAX_DAYS - 1))
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _waiting(
    session: Session, date_from: date | None, date_to: date | None, dialect: str
) -> Waiting:
    """Waiting times of the tickets opened in the range (until a person claimed them)."""
    in_range: list[Any] = []
    if date_from:
        in_range.append(Ticket.created_at >= utc_midnight(date_from))
    if date_to:
        in_range.append(Ticket.created_at < utc_midnight(date_to + timedelta(days=1)))
    claimed = Ticket.claimed_at.isnot(None)
    seconds = _seconds(Ticket.claimed_at, Ticket.created_at, dialect)
    columns = []
    lower: float | None = None
    for upper, _ in WAIT_BUCKETS:
        bounds = [claimed] + ([seconds >= lower] if lower is not None else [])
        bounds += [seconds < upper] if upper is not None else []
        columns.append(func.sum(case((and_(*bounds), 1), else_=0)))
        lower = upper
    unclaimed = and_(~claimed, Ticket.closed_at.isnot(None))
    row = session.execute(
        select(
            *columns,
            func.sum(case((and_(~claimed, Ticket.closed_at.is_(None)), 1), else_=0)),
            func.sum(case((unclaimed, 1), else_=0)),
            func.avg(case((claimed, seconds), else_=None)),
            func.count(Ticket.claimed_at),
        ).where(*in_range)
    ).one()
    counts = [int(value or 0) for value in row[: len(WAIT_BUCKETS)]]
    still, never, average, n_claimed = row[len(WAIT_BUCKETS) :]
    median = None
    if n_claimed:
        middle = (
            select(seconds.label("s"))
            .where(claimed, *in_range)
            .order_by(seconds)
            .offset((n_claimed - 1) // 2)
            .limit(2 - n_claimed % 2)
        )
        values = [float(v) for v in session.scalars(middle)]
        median = sum(values) / len(values)
    return Waiting(
        buckets=[(label, n) for (_, label), n in zip(WAIT_BUCKETS, counts, strict=True)],
        still_waiting=int(still or 0),
        unclaimed=int(never or 0),
        median_seconds=median,
        average_seconds=float(average) if average is not None else None,
    )
