"""The charts of `/console/review/analytics`: the aggregates (bot/review/analytics.py) as SVG
geometry, with Polish titles and a link from every bar to the conversations it counts."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from bot.address.districts import DISTRICTS
from bot.review.analytics import TOP_INTENTS, Analytics
from bot.review.filters import CHANNELS, Filters
from bot.staff_labels import staff_labels
from bot.staffweb.formatting import topic_title

LIST_URL = "/console/review"


# Polish titles of the intents data/topics.yml has no title for (it names only the topics the
# assistant offers as buttons); tests/review/test_analytics.py checks every intent in domain.yml.
INTENT_TITLES = staff_labels("intent_titles")


def intent_title(name: str) -> str:
    """The Polish title staff see for an intent („Powitanie” for greet): the assistant's own
    topic title (data/topics.yml, also "support/therapy") first, then INTENT_TITLES; an unknown
    intent as it is."""
    title = topic_title(name)
    return title if title != name else INTENT_TITLES.get(name, name)


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def list_url(filters: Filters) -> str:
    """The review list with these filters."""
    query = filters.to_query()
    return f"{LIST_URL}?{urlencode(query)}" if query else LIST_URL


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
        only: dict[str, Any] = {flag: True}
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
                    on(d.day, **only),
                    f"{getattr(d, flag)} z {d.conversations}",
                )
                for d in days
            ],
            list_url(replace(base, **only)),
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
