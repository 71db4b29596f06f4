"""When social workers staff the chat, from the staff-editable data/handoff_hours.yml.

The bot offers a live hand-off only while someone can answer, and otherwise tells the resident
when to come back. Polish public holidays come from the `holidays` package (Wigilia, 24 December,
is a day off from 2025 on).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import yaml

from bot.clock import LOCAL_ZONE_NAME
from bot.paths import data_file

HOURS_FILE = data_file("handoff_hours.yml")
ENV_VAR = "HANDOFF_HOURS_FILE"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_KEYS = {"timezone", "hours", "closed_on_public_holidays", "extra_closed_days"}

# Polish weekday forms, Monday first.
_NOMINATIVE = ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela")
_ON_DAY = (  # "w" + accusative: a single date
    "w poniedziałek",
    "we wtorek",
    "w środę",
    "w czwartek",
    "w piątek",
    "w sobotę",
    "w niedzielę",
)
_ON_DAYS = (  # "w" + accusative plural: every week
    "w poniedziałki",
    "we wtorki",
    "w środy",
    "w czwartki",
    "w piątki",
    "w soboty",
    "w niedziele",
)
_PLURAL = ("poniedziałki", "wtorki", "środy", "czwartki", "piątki", "soboty", "niedziele")
_GENITIVE = ("poniedziałku", "wtorku", "środy", "czwartku", "piątku", "soboty", "niedzieli")

_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")
# How far next_opening() looks ahead before deciding the chat is never staffed.
_HORIZON_DAYS = 400


class HoursConfigError(ValueError):
    """The hours file is missing or invalid; the message names the file and the problem."""


_Fail = Callable[[str], HoursConfigError]


@dataclass(frozen=True)
class Interval:
    """One staffed period of a day, in minutes after local midnight; `end` is exclusive."""

    start: int
    end: int

    def contains(self, seconds: int) -> bool:
        return self.start * 60 <= seconds < self.end * 60

    def text(self) -> str:
        return f"{_clock(self.start)}–{_clock(self.end)}"


def _clock(minutes: int) -> str:
    """8:00, 15:30 — Polish style, no leading zero on the hour."""
    return f"{minutes // 60}:{minutes % 60:02d}"


@lru_cache(maxsize=64)
def polish_public_holidays(year: int) -> frozenset[date]:
    """Days off by Polish law in `year` (cached: the set of a year never changes)."""
    return frozenset(holidays.country_holidays("PL", years=year).keys())


@dataclass(frozen=True)
class OfficeHours:
    """Weekly staffed hours of the chat, with public holidays and extra closed days off."""

    tz: ZoneInfo
    week: tuple[tuple[Interval, ...], ...]  # seven entries, Monday first
    closed_on_public_holidays: bool = True
    extra_closed_days: frozenset[date] = frozenset()

    # --- loading ----------------------------------------------------------------------------

    @classmethod
    def file_path(cls) -> Path:
        """The hours file: $HANDOFF_HOURS_FILE when set, else data/handoff_hours.yml."""
        override = os.environ.get(ENV_VAR, "").strip()
        return Path(override) if override else HOURS_FILE

    @classmethod
    def current(cls) -> OfficeHours:
        """The hours as the file says now: read on every call, so staff edits apply at once."""
        return cls.load(cls.file_path())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> OfficeHours:
        """Read and validate one hours file; any problem is a HoursConfigError (a ValueError)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise HoursConfigError(f"{path}: cannot read the hand-off hours file ({exc})") from exc
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise HoursConfigError(f"{path}: not valid YAML ({exc})") from exc
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: Any, source: str = "<hand-off hours>") -> OfficeHours:
        """Validate parsed YAML; every problem raises HoursConfigError naming `source`."""

        def fail(problem: str) -> HoursConfigError:
            return HoursConfigError(f"{source}: {problem}")

        if not isinstance(data, Mapping):
            raise fail("expected a mapping with 'timezone', 'hours', ... at the top level")
        unknown = sorted(str(key) for key in data if key not in _KEYS)
        if unknown:
            raise fail(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_KEYS))}")

        tz_name = data.get("timezone") or LOCAL_ZONE_NAME
        try:
            tz = ZoneInfo(str(tz_name))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise fail(f"unknown timezone {tz_name!r}") from exc

        week = _parse_week(data.get("hours"), fail)
        closed = data.get("closed_on_public_holidays", True)
        if not isinstance(closed, bool):
            raise fail("'closed_on_public_holidays' must be true or false")
        days = _parse_closed_days(data.get("extra_closed_days") or [], fail)

        return cls(
            tz=tz, week=week, closed_on_public_holidays=closed, extra_closed_days=frozenset(days)
        )

    # --- questions --------------------------------------------------------------------------

    def is_closed_day(self, day: date) -> bool:
        """A public holiday (when configured) or one of the extra closed days."""
        if day in self.extra_closed_days:
            return True
        return self.closed_on_public_holidays and day in polish_public_holidays(day.year)

    def hours_on(self, day: date) -> tuple[Interval, ...]:
        """The staffed intervals of a local calendar day (none on a closed day)."""
        if self.is_closed_day(day):
            return ()
        return self.week[day.weekday()]

    def local(self, at: datetime) -> datetime:
        """`at` in the configured zone; naive means UTC, the form the database stores."""
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        return at.astimezone(self.tz)

    def is_open(self, at: datetime) -> bool:
        now = self.local(at)
        seconds = now.hour * 3600 + now.minute * 60 + now.second
        return any(interval.contains(seconds) for interval in self.hours_on(now.date()))

    def next_opening(self, at: datetime) -> datetime | None:
        """The first moment at or after `at` when the chat is staffed, in local time.

        `at` itself (converted) when already open; None when the file has no hours at all, or
        no staffed day within about a year.
        """
        if not any(self.week):
            return None
        now = self.local(at)
        seconds = now.hour * 3600 + now.minute * 60 + now.second
        for offset in range(_HORIZON_DAYS):
            day = now.date() + timedelta(days=offset)
            for interval in self.hours_on(day):
                if offset == 0 and interval.contains(seconds):
                    return now
                if offset > 0 or interval.start * 60 > seconds:
                    return self._at(day, interval.start)
        return None

    def _at(self, day: date, minutes: int) -> datetime:
        clock = time(minutes // 60, minutes % 60)
        return datetime.combine(day, clock, tzinfo=self.tz)

    # --- Polish texts -----------------------------------------------------------------------

    def describe(self) -> str:
        """The weekly hours in Polish, for telling residents when someone answers.

        E.g. "od poniedziałku do piątku w godz. 8:00–15:00 (oprócz świąt)".
        Consecutive days with equal hours are grouped; closed days are left out. Empty when the
        chat is never staffed.
        """
        groups: list[tuple[int, int, tuple[Interval, ...]]] = []
        for index, intervals in enumerate(self.week):
            if not intervals:
                continue
            if groups and groups[-1][1] == index - 1 and groups[-1][2] == intervals:
                groups[-1] = (groups[-1][0], index, intervals)
            else:
                groups.append((index, index, intervals))
        if not groups:
            return ""
        # "w godz." reads well with one group but heavily in a list of several.
        joint = " w godz. " if len(groups) == 1 else " "
        text = ", ".join(
            f"{_days_text(first, last)}{joint}{_intervals_text(intervals)}"
            for first, last, intervals in groups
        )
        return f"{text} (oprócz świąt)" if self.closed_on_public_holidays else text

    def next_opening_text(self, at: datetime) -> str:
        """When the chat is next staffed, in Polish: "dziś od 12:00", "jutro (wtorek) od 8:00",
        "w poniedziałek 23.11 od 8:00"; "teraz" when open, empty when never staffed."""
        opening = self.next_opening(at)
        if opening is None:
            return ""
        now = self.local(at)
        if opening == now:
            return "teraz"
        clock = _clock(opening.hour * 60 + opening.minute)
        days_ahead = (opening.date() - now.date()).days
        if days_ahead == 0:
            return f"dziś od {clock}"
        if days_ahead == 1:
            return f"jutro ({_NOMINATIVE[opening.weekday()]}) od {clock}"
        day = f"{opening.day}.{opening.month:02d}"
        if opening.year != now.year and days_ahead > 7:
            day += f".{opening.year}"
        return f"{_ON_DAY[opening.weekday()]} {day} od {clock}"


def _parse_day(day: str, value: Any, fail: _Fail) -> tuple[Interval, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence):
        raise fail(f'{day}: expected a list of intervals like "08:00-15:00" (or [] for closed)')
    intervals = sorted((_parse_interval(day, item, fail) for item in value), key=lambda i: i.start)
    for before, after in zip(intervals, intervals[1:], strict=False):
        if after.start < before.end:
            raise fail(f"{day}: intervals {before.text()} and {after.text()} overlap")
    return tuple(intervals)


def _parse_interval(day: str, item: Any, fail: _Fail) -> Interval:
    match = _INTERVAL.match(str(item)) if isinstance(item, str) else None
    if not match:
        raise fail(f'{day}: bad interval {item!r}; expected "HH:MM-HH:MM", e.g. "08:00-15:00"')
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
        raise fail(f"{day}: bad time in interval {item!r}")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:
        raise fail(f"{day}: interval {item!r} ends before it starts")
    return Interval(start, end)


def _days_text(first: int, last: int) -> str:
    if first == 0 and last == 6:
        return "codziennie"
    if first == last:
        return _ON_DAYS[first]
    if last == first + 1:
        return f"{_ON_DAYS[first]} i {_PLURAL[last]}"
    return f"od {_GENITIVE[first]} do {_GENITIVE[last]}"


def _intervals_text(intervals: Sequence[Interval]) -> str:
    texts = [interval.text() for interval in intervals]
    if len(texts) == 1:
        return texts[0]
    return f"{', '.join(texts[:-1])} i {texts[-1]}"


def _parse_week(hours: Any, fail: _Fail) -> tuple[tuple[Interval, ...], ...]:
    """The `hours` mapping: every weekday's intervals, Monday first (none for an absent day)."""
    if hours is None:
        hours = {}
    if not isinstance(hours, Mapping):
        raise fail("'hours' must map weekdays (monday..sunday) to lists of intervals")
    bad_days = sorted(str(day) for day in hours if str(day).lower() not in WEEKDAYS)
    if bad_days:
        raise fail(f"unknown weekday(s) {', '.join(bad_days)}; use monday..sunday")
    by_day = {str(day).lower(): value for day, value in hours.items()}
    return tuple(_parse_day(day, by_day.get(day), fail) for day in WEEKDAYS)


def _parse_closed_days(extra: Any, fail: _Fail) -> set[date]:
    """`extra_closed_days`: dates (YYYY-MM-DD) on which nobody staffs the chat."""
    if not isinstance(extra, Sequence) or isinstance(extra, str):
        raise fail("'extra_closed_days' must be a list of dates (YYYY-MM-DD)")
    days: set[date] = set()
    for item in extra:
        if isinstance(item, datetime):
            raise fail(f"extra closed day {item!r} must be a date (YYYY-MM-DD), not a time")
        if isinstance(item, date):
            days.add(item)
            continue
        try:
            days.add(date.fromisoformat(str(item).strip()))
        except ValueError as exc:
            raise fail(f"extra closed day {item!r} is not a date (YYYY-MM-DD)") from exc
    return days
