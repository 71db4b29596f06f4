"""Analytics for the review: SQL aggregates over the summary table `review_conversation` and the
handoff tickets, shaped as charts for `/console/review/analytics`.

Every count follows the list's own filters, so a chart's link opens exactly the conversations it
counts: a conversation belongs to the Kraków day of its *last* activity (the list's date filter),
„problem” is a fallback or a confidence below `REVIEW_LOW_CONFIDENCE` (the list's `trouble`), and
„handed over” means it has a handoff ticket. Days are grouped by the hour in SQL (Warsaw's offset
is a whole number of hours) and folded into Kraków days here, so the same query runs on SQLite and
PostgreSQL and never returns more than 24 rows a day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Numeric, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from bot.address.districts import DISTRICTS
from bot.console.formatting import topic_title
from bot.review.conversations import CHANNELS, WARSAW, Filters, _utc_midnight
from bot.storage.db import Database
from bot.storage.models import ReviewConversation, Ticket

LIST_URL = "/console/review"
TOP_INTENTS = 10
MAX_DAYS = 366  # an open range shows at most the last year of days
WAIT_BUCKETS = [  # (upper bound in seconds, label)
    (60, "do 1 min"),
    (5 * 60, "1–5 min"),
    (15 * 60, "5–15 min"),
    (60 * 60, "15–60 min"),
    (None, "ponad godzinę"),
]
# Polish titles of the intents data/topics.yml has no title for (it names only the topics the
# assistant offers as buttons); tests/review/test_analytics.py checks every intent in domain.yml.
INTENT_TITLES = {
    "greet": "Powitanie",
    "goodbye": "Pożegnanie",
    "thank": "Podziękowanie",
    "affirm": "Tak",
    "deny": "Nie",
    "bot_challenge": "Czy to bot?",
    "nlu_fallback": "Niezrozumiane",
    "out_of_scope": "Poza zakresem",
    "inform_address": "Podanie adresu",
    "inform_district": "Podanie dzielnicy",
    "decline_address": "Odmowa podania adresu",
    "outside_krakow": "Spoza Krakowa",
    "crisis_violence": "Kryzys: przemoc",
    "crisis_suicide": "Kryzys: myśli samobójcze",
    "crisis_danger": "Kryzys: zagrożenie",
    "crisis_basic_needs": "Kryzys: podstawowe potrzeby",
    "cancel_handoff": "Rezygnacja z pracownika",
    "leave_contact": "Prośba o kontakt zwrotny",
    "own_case": "Moja sprawa w MOPS",
    # retrieval intents as the tracker stores them, without the sub-intent
    "pora": "„Pora na aktywność”",
    "cogito": "Projekt COGITO",
    "support": "Formy wsparcia",
    "situation": "Sytuacja życiowa",
    "ask_cost": "Pytanie dopytujące: koszt",
    "ask_when": "Pytanie dopytujące: kiedy",
    "ask_who": "Pytanie dopytujące: dla kogo",
    "ask_how_join": "Pytanie dopytujące: jak skorzystać",
    "ask_where": "Pytanie dopytujące: gdzie",
    "ask_results": "Pytanie dopytujące: wyniki",
    "ask_funding": "Pytanie dopytujące: finansowanie",
    "stop": "Przerwanie",
    "no_contact": "Brak telefonu i e-maila",
}


def intent_title(name: str) -> str:
    """The Polish title staff see for an intent („Powitanie” for greet): the assistant's own
    topic title (data/topics.yml, also "support/therapy") first, then INTENT_TITLES; an unknown
    intent as it is."""
    title = topic_title(name)
    return title if title != name else INTENT_TITLES.get(name, name)


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


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def list_url(filters: Filters) -> str:
    """The review list with these filters."""
    query = filters.to_query()
    return f"{LIST_URL}?{urlencode(query)}" if query else LIST_URL


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
    return moment.astimezone(WARSAW).date()


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
        in_range.append(rc.last_at >= _utc_midnight(date_from))
    if date_to:
        in_range.append(rc.last_at < _utc_midnight(date_to + timedelta(days=1)))
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
        in_range.append(Ticket.created_at >= _utc_midnight(date_from))
    if date_to:
        in_range.append(Ticket.created_at < _utc_midnight(date_to + timedelta(days=1)))
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


# --- charts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value (a count or a percentage), the table's note and its link."""

    label: str
    value: float
    href: str
    note: str = ""
    code: str = ""  # the raw name behind a Polish label (an intent), shown beside it

    @property
    def named(self) -> str:
        """The label with its raw name, for the chart's text alternatives."""
        return (
            f"{self.label} ({self.code})" if self.code and self.code != self.label else self.label
        )


@dataclass(frozen=True)
class Shape:
    """A bar's place in the SVG (computed here so the template only draws)."""

    bar: Bar
    x: float
    y: float
    width: float
    height: float
    show_label: bool = True


@dataclass
class Chart:
    """A chart of the page: `columns` (days along x) or `bars` (categories down the page)."""

    key: str
    title: str
    description: str
    kind: str
    bars: list[Bar]
    href: str
    unit: str = ""  # "%" for rates
    value_header: str = "liczba rozmów"
    label_header: str = ""  # the table's first column ("dzień" for columns)
    shapes: list[Shape] = field(default_factory=list)
    width: int = 720
    left: int = 56  # columns: room on the left for the axis labels („100,0 %”)
    height: int = 220

    def __post_init__(self) -> None:
        if self.kind == "columns" and not self.label_header:
            self.label_header = "dzień"
        self.shapes = self._columns() if self.kind == "columns" else self._bars()

    @property
    def top(self) -> float:
        if self.unit == "%":
            return 100.0
        return max((b.value for b in self.bars), default=0) or 1

    def shown(self, value: float) -> str:
        """A value as the page shows it."""
        if self.unit == "%":
            return f"{value:.1f}".replace(".", ",") + " %"
        return str(int(value))

    def _columns(self) -> list[Shape]:
        plot = self.height - 40  # room for the day labels below
        step = (self.width - self.left - 10) / max(len(self.bars), 1)
        every = max(1, math.ceil(len(self.bars) / 12))
        shapes = []
        for n, bar in enumerate(self.bars):
            height = plot * bar.value / self.top
            x = self.left + n * step
            shapes.append(
                Shape(bar, x, 10 + plot - height, max(step - 2, 1), height, n % every == 0)
            )
        return shapes

    def _bars(self) -> list[Shape]:
        self.height = 20 + 26 * max(len(self.bars), 1)
        room = self.width - 260  # label on the left, value on the right
        return [
            Shape(bar, 190, 10 + 26 * n, max(room * bar.value / self.top, 1), 20)
            for n, bar in enumerate(self.bars)
        ]


def _day_label(day: date) -> str:
    return day.strftime("%d.%m")


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "brak danych"
    return f"{seconds / 60:.1f}".replace(".", ",") + " min"


def charts(data: Analytics) -> list[Chart]:
    """The page's charts, each bar linked to the list filtered to exactly what it counts."""
    base = data.base()

    def on(day: date, **more: Any) -> str:
        return list_url(replace(base, date_from=day, date_to=day, **more))

    days = data.days

    def daily_rate(flag: str, title: str) -> Chart:
        """Share of each day's conversations with `flag` ("trouble", "handed"), per day."""
        count = getattr(data, flag)
        return Chart(
            flag,
            title,
            f"Dziennie; w całym okresie {count} z {data.total} rozmów "
            f"({_shown_rate(count, data.total)}).",
            "columns",
            [
                Bar(
                    _day_label(d.day),
                    _percent(getattr(d, flag), d.conversations),
                    on(d.day, **{flag: True}),
                    f"{getattr(d, flag)} z {d.conversations}",
                )
                for d in days
            ],
            list_url(replace(base, **{flag: True})),
            unit="%",
            value_header="odsetek",
        )

    waiting = data.waiting
    handed_url = list_url(replace(base, handed=True))
    wait_bars = [Bar(label, n, handed_url) for label, n in waiting.buckets]
    wait_bars.append(Bar("nadal czeka", waiting.still_waiting, handed_url))
    return [
        Chart(
            "per-day",
            "Rozmowy dziennie",
            f"Liczba rozmów według dnia ostatniej aktywności; razem {data.total}.",
            "columns",
            [Bar(_day_label(d.day), d.conversations, on(d.day)) for d in days],
            list_url(base),
        ),
        Chart(
            "per-channel",
            "Rozmowy według kanału",
            "Liczba rozmów w każdym kanale.",
            "bars",
            [
                Bar(
                    CHANNELS.get(c, c or "nieznany"),
                    n,
                    list_url(replace(base, channel=c)) if c else list_url(base),
                )
                for c, n in data.channels
            ],
            list_url(base),
            label_header="kanał",
        ),
        Chart(
            "intents",
            "Najczęstsze intencje",
            f"{TOP_INTENTS} intencji występujących w największej liczbie rozmów.",
            "bars",
            [
                Bar(intent_title(i), n, list_url(replace(base, intent=i)), code=i)
                for i, n in data.intents
            ],
            list_url(base),
            label_header="intencja",
        ),
        daily_rate("trouble", "Odsetek rozmów z fallbackiem lub niską pewnością"),
        daily_rate("handed", "Odsetek rozmów przekazanych pracownikowi"),
        Chart(
            "waiting",
            "Czas oczekiwania na pracownika",
            f"Zgłoszenia otwarte w okresie: przejęte {waiting.claimed} (mediana "
            f"{_minutes(waiting.median_seconds)}, średnio {_minutes(waiting.average_seconds)}), "
            f"nadal czeka {waiting.still_waiting}, zakończone bez przejęcia {waiting.unclaimed}.",
            "bars",
            wait_bars,
            list_url(replace(base, handed=True)),
            value_header="liczba zgłoszeń",
            label_header="czas oczekiwania",
        ),
        Chart(
            "districts",
            "Wyszukania placówki według dzielnicy",
            "Rozmowy, w których ustalono dzielnicę mieszkańca.",
            "bars",
            [
                Bar(_district_title(d), n, list_url(replace(base, district_is=d)))
                for d, n in data.districts
            ],
            list_url(replace(base, district=True)),
            label_header="dzielnica",
        ),
    ]


def _district_title(key: str) -> str:
    """ "XIII Podgórze" for the Roman numeral the branch finder stores; anything else as it is."""
    return f"{key} {DISTRICTS[key]}" if key in DISTRICTS else key


def _shown_rate(part: int, whole: int) -> str:
    return f"{_percent(part, whole):.1f}".replace(".", ",") + " %"
