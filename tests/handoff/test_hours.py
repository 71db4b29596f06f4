"""Staffed hours of the hand-off chat: holidays, Warsaw time, DST, Polish texts, the file."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.handoff.hours import (
    ENV_VAR,
    HOURS_FILE,
    HoursConfigError,
    OfficeHours,
    polish_public_holidays,
)

WARSAW = ZoneInfo("Europe/Warsaw")
UTC = timezone.utc


def warsaw(*args: int) -> datetime:
    return datetime(*args, tzinfo=WARSAW)


def hours_from(week: dict[str, list[str]], **extra: object) -> OfficeHours:
    return OfficeHours.from_dict({"timezone": "Europe/Warsaw", "hours": week, **extra})


@pytest.fixture
def hours(monkeypatch: pytest.MonkeyPatch) -> OfficeHours:
    """The shipped data/handoff_hours.yml (Monday to Friday 8:00-15:00)."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    return OfficeHours.current()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped file -------------------------------------------------------------------------


def test_shipped_file_is_monday_to_friday_eight_to_three(hours: OfficeHours) -> None:
    assert OfficeHours.file_path() == HOURS_FILE
    assert hours.tz.key == "Europe/Warsaw"
    assert [len(day) for day in hours.week] == [1, 1, 1, 1, 1, 0, 0]
    assert hours.closed_on_public_holidays
    assert hours.extra_closed_days == frozenset()


@pytest.mark.parametrize(
    ("at", "is_open"),
    [
        (warsaw(2026, 3, 2, 7, 59), False),  # Monday
        (warsaw(2026, 3, 2, 7, 59, 59), False),
        (warsaw(2026, 3, 2, 8, 0), True),
        (warsaw(2026, 3, 2, 14, 59), True),
        (warsaw(2026, 3, 2, 14, 59, 59), True),
        (warsaw(2026, 3, 2, 15, 0), False),
        (warsaw(2026, 3, 6, 12, 0), True),  # Friday
        (warsaw(2026, 3, 7, 10, 0), False),  # Saturday
        (warsaw(2026, 3, 8, 10, 0), False),  # Sunday
    ],
)
def test_weekday_hours_in_warsaw_time(hours: OfficeHours, at: datetime, is_open: bool) -> None:
    assert hours.is_open(at) is is_open


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 4, 6),  # Easter Monday
        date(2026, 6, 4),  # Corpus Christi (Thursday)
        date(2025, 12, 24),  # Wigilia, a public holiday from 2025 on
        date(2026, 12, 24),
        date(2025, 11, 11),  # Independence Day (Tuesday)
        date(2026, 11, 11),  # (Wednesday)
        date(2026, 1, 6),  # Epiphany
    ],
)
def test_public_holidays_are_closed(hours: OfficeHours, day: date) -> None:
    assert day.weekday() < 5
    assert hours.is_closed_day(day)
    assert not hours.is_open(datetime(day.year, day.month, day.day, 10, 0, tzinfo=WARSAW))


def test_christmas_eve_became_a_holiday_in_2025() -> None:
    # The law took effect in 2025; the `holidays` package follows it (Tuesday 2024-12-24 was a
    # working day).
    assert date(2024, 12, 24) not in polish_public_holidays(2024)
    assert date(2025, 12, 24) in polish_public_holidays(2025)
    assert date(2027, 12, 24) in polish_public_holidays(2027)


def test_a_working_day_before_a_holiday_is_open(hours: OfficeHours) -> None:
    assert hours.is_open(warsaw(2024, 12, 24, 10, 0))
    assert hours.is_open(warsaw(2026, 4, 7, 10, 0))  # Tuesday after Easter


def test_holidays_can_be_ignored() -> None:
    open_on_holidays = hours_from({"monday": ["08:00-15:00"]}, closed_on_public_holidays=False)
    assert open_on_holidays.is_open(warsaw(2026, 4, 6, 10, 0))  # Easter Monday


def test_extra_closed_days() -> None:
    bridge = hours_from(
        {"friday": ["08:00-15:00"]}, extra_closed_days=[date(2026, 5, 2), "2026-01-02"]
    )
    assert bridge.extra_closed_days == {date(2026, 5, 2), date(2026, 1, 2)}
    assert not bridge.is_open(warsaw(2026, 1, 2, 10, 0))  # a Friday
    assert bridge.is_open(warsaw(2026, 1, 9, 10, 0))


# --- time zones -------------------------------------------------------------------------------


def test_utc_input_after_the_change_to_summer_time(hours: OfficeHours) -> None:
    # Summer time starts on Sunday 2026-03-29: on Monday 06:30 UTC is 8:30 CEST.
    assert hours.is_open(datetime(2026, 3, 30, 6, 30, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 3, 30, 5, 59, tzinfo=UTC))  # 7:59 CEST
    # The Friday before, still winter time: 06:30 UTC is 7:30 CET.
    assert not hours.is_open(datetime(2026, 3, 27, 6, 30, tzinfo=UTC))
    assert hours.is_open(datetime(2026, 3, 27, 7, 0, tzinfo=UTC))


def test_utc_input_after_the_change_to_winter_time(hours: OfficeHours) -> None:
    # Winter time starts on Sunday 2026-10-25: on Monday 13:59 UTC is 14:59 CET.
    assert hours.is_open(datetime(2026, 10, 26, 13, 59, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 10, 26, 14, 0, tzinfo=UTC))


def test_naive_datetime_is_utc(hours: OfficeHours) -> None:
    assert hours.is_open(datetime(2026, 3, 30, 6, 30))  # 8:30 CEST
    assert not hours.is_open(datetime(2026, 3, 30, 13, 30))  # 15:30 CEST


def test_other_time_zone_input(hours: OfficeHours) -> None:
    new_york = ZoneInfo("America/New_York")
    assert hours.is_open(datetime(2026, 3, 2, 2, 30, tzinfo=new_york))  # 8:30 in Warsaw


# --- next opening -----------------------------------------------------------------------------


def test_next_opening_later_today(hours: OfficeHours) -> None:
    assert hours.next_opening(warsaw(2026, 3, 2, 6, 15)) == warsaw(2026, 3, 2, 8, 0)


def test_next_opening_when_open_is_now(hours: OfficeHours) -> None:
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    opening = hours.next_opening(at)
    assert opening == at
    assert opening is not None and opening.tzinfo == WARSAW


def test_next_opening_after_closing_is_tomorrow(hours: OfficeHours) -> None:
    assert hours.next_opening(warsaw(2026, 3, 2, 15, 0)) == warsaw(2026, 3, 3, 8, 0)


def test_next_opening_skips_the_weekend(hours: OfficeHours) -> None:
    assert hours.next_opening(warsaw(2026, 3, 6, 16, 0)) == warsaw(2026, 3, 9, 8, 0)


def test_next_opening_across_christmas(hours: OfficeHours) -> None:
    # Thursday 24th, Friday 25th and Saturday 26th are holidays, then Sunday.
    opening = hours.next_opening(warsaw(2026, 12, 24, 14, 0))
    assert opening == warsaw(2026, 12, 28, 8, 0)
    assert opening is not None and opening.tzinfo == WARSAW


def test_next_opening_across_easter_and_dst(hours: OfficeHours) -> None:
    # Friday 2026-04-03 evening (CEST), Easter Monday closed: Tuesday 8:00 CEST = 6:00 UTC.
    opening = hours.next_opening(datetime(2026, 4, 3, 18, 0, tzinfo=UTC))
    assert opening == datetime(2026, 4, 7, 6, 0, tzinfo=UTC)
    assert opening is not None and (opening.hour, opening.minute) == (8, 0)


def test_next_opening_skips_extra_closed_days() -> None:
    hours = hours_from(
        {day: ["08:00-15:00"] for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
        extra_closed_days=["2026-01-02"],
    )
    assert hours.next_opening(warsaw(2026, 1, 1, 9, 0)) == warsaw(2026, 1, 5, 8, 0)


def test_next_opening_with_several_intervals_a_day() -> None:
    hours = hours_from({"monday": ["13:00-15:00", "08:00-12:00"]})
    assert hours.next_opening(warsaw(2026, 3, 2, 12, 30)) == warsaw(2026, 3, 2, 13, 0)
    assert not hours.is_open(warsaw(2026, 3, 2, 12, 30))
    assert hours.is_open(warsaw(2026, 3, 2, 11, 59))


def test_never_open() -> None:
    closed = hours_from({"monday": [], "saturday": []})
    assert closed.next_opening(warsaw(2026, 3, 2, 9, 0)) is None
    assert closed.next_opening_text(warsaw(2026, 3, 2, 9, 0)) == ""
    assert closed.describe() == ""
    assert not closed.is_open(warsaw(2026, 3, 2, 9, 0))


# --- Polish texts -----------------------------------------------------------------------------


def test_describe_default(hours: OfficeHours) -> None:
    assert hours.describe() == "od poniedziałku do piątku w godz. 8:00–15:00 (oprócz świąt)"


def test_describe_different_hours_on_different_days() -> None:
    hours = hours_from(
        {
            "monday": ["08:00-17:00"],
            "tuesday": ["08:00-15:00"],
            "wednesday": ["08:00-15:00"],
            "thursday": ["08:00-15:00"],
            "friday": ["08:00-15:00"],
        }
    )
    assert (
        hours.describe()
        == "w poniedziałki 8:00–17:00, od wtorku do piątku 8:00–15:00 (oprócz świąt)"
    )


def test_describe_more_shapes() -> None:
    two_days = hours_from(
        {"tuesday": ["09:30-12:00", "13:00-15:00"], "wednesday": ["09:30-12:00", "13:00-15:00"]},
        closed_on_public_holidays=False,
    )
    assert two_days.describe() == "we wtorki i środy w godz. 9:30–12:00 i 13:00–15:00"
    every_day = hours_from(
        {
            day: ["10:00-24:00"]
            for day in (
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
                "saturday",
                "sunday",
            )
        }
    )
    assert every_day.describe() == "codziennie w godz. 10:00–24:00 (oprócz świąt)"
    gaps = hours_from(
        {"monday": ["08:00-15:00"], "wednesday": ["08:00-15:00"], "saturday": ["9:00-12:00"]}
    )
    assert gaps.describe() == (
        "w poniedziałki 8:00–15:00, w środy 8:00–15:00, w soboty 9:00–12:00 (oprócz świąt)"
    )


@pytest.mark.parametrize(
    ("at", "text"),
    [
        (warsaw(2026, 3, 2, 6, 15), "dziś od 8:00"),
        (warsaw(2026, 3, 2, 10, 0), "teraz"),
        (warsaw(2026, 3, 2, 15, 30), "jutro (wtorek) od 8:00"),
        (warsaw(2026, 3, 3, 15, 30), "jutro (środa) od 8:00"),
        (warsaw(2026, 3, 6, 15, 30), "w poniedziałek 9.03 od 8:00"),
        (warsaw(2026, 3, 7, 10, 0), "w poniedziałek 9.03 od 8:00"),
        (warsaw(2026, 3, 8, 10, 0), "jutro (poniedziałek) od 8:00"),
        (warsaw(2026, 11, 20, 16, 0), "w poniedziałek 23.11 od 8:00"),
        (warsaw(2026, 4, 3, 16, 0), "we wtorek 7.04 od 8:00"),  # after Easter Monday
        (warsaw(2026, 12, 24, 14, 0), "w poniedziałek 28.12 od 8:00"),
        (warsaw(2025, 12, 31, 16, 0), "w piątek 2.01 od 8:00"),  # 1 January closed
        (datetime(2026, 3, 2, 5, 30, tzinfo=UTC), "dziś od 8:00"),  # 6:30 CET
    ],
)
def test_next_opening_text(hours: OfficeHours, at: datetime, text: str) -> None:
    assert hours.next_opening_text(at) == text


def test_next_opening_text_weekday_forms() -> None:
    every_day = hours_from(
        {
            "saturday": ["10:00-12:00"],
            "sunday": ["10:00-12:00"],
            "wednesday": ["10:00-12:00"],
            "thursday": ["12:00-13:00"],
        },
        closed_on_public_holidays=False,
    )
    assert every_day.next_opening_text(warsaw(2026, 3, 2, 9, 0)) == "w środę 4.03 od 10:00"
    assert every_day.next_opening_text(warsaw(2026, 3, 4, 13, 0)) == "jutro (czwartek) od 12:00"
    assert every_day.next_opening_text(warsaw(2026, 3, 5, 13, 0)) == "w sobotę 7.03 od 10:00"
    assert every_day.next_opening_text(warsaw(2026, 3, 7, 13, 0)) == "jutro (niedziela) od 10:00"
    far = hours_from({"monday": ["08:00-15:00"]}, extra_closed_days=["2027-01-04", "2027-01-11"])
    assert far.next_opening_text(warsaw(2026, 12, 29, 9, 0)) == "w poniedziałek 18.01.2027 od 8:00"


# --- the file ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("hours:\n  monday: ['8-15']\n", "monday: bad interval '8-15'"),
        (
            "hours:\n  monday: ['15:00-08:00']\n",
            "monday: interval '15:00-08:00' ends before it starts",
        ),
        ("hours:\n  monday: ['08:00-08:00']\n", "ends before it starts"),
        ("hours:\n  monday: ['08:00-25:00']\n", "monday: bad time"),
        ("hours:\n  monday: ['08:00-12:00', '11:00-15:00']\n", "overlap"),
        ("hours:\n  poniedzialek: ['08:00-15:00']\n", "unknown weekday(s) poniedzialek"),
        ("hours:\n  monday: 8\n", "monday: expected a list"),
        ("timezone: Europe/Krakow\n", "unknown timezone 'Europe/Krakow'"),
        ("closed_on_public_holidays: maybe\n", "must be true or false"),
        ("extra_closed_days: ['2026-02-30']\n", "'2026-02-30' is not a date"),
        ("extra_closed_day: ['2026-01-02']\n", "unknown key(s) extra_closed_day"),
        ("hours: [monday]\n", "'hours' must map weekdays"),
        ("- monday\n", "expected a mapping"),
        ("hours: {monday: [\n", "not valid YAML"),
    ],
)
def test_bad_file_raises_a_clear_error(tmp_path: Path, content: str, problem: str) -> None:
    path = write(tmp_path / "hours.yml", content)
    with pytest.raises(ValueError) as error:
        OfficeHours.load(path)
    assert isinstance(error.value, HoursConfigError)
    assert str(error.value).startswith(f"{path}: ")
    assert problem in str(error.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(HoursConfigError, match="cannot read"):
        OfficeHours.load(tmp_path / "nowhere.yml")


def test_defaults_of_a_minimal_file(tmp_path: Path) -> None:
    hours = OfficeHours.load(write(tmp_path / "hours.yml", "hours:\n  friday: 9:00-11:00\n"))
    assert hours.tz.key == "Europe/Warsaw"
    assert hours.closed_on_public_holidays
    assert hours.describe() == "w piątki w godz. 9:00–11:00 (oprócz świąt)"


def test_environment_variable_overrides_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "weekend.yml", "hours:\n  saturday: ['10:00-14:00']\n")
    monkeypatch.setenv(ENV_VAR, str(path))
    assert OfficeHours.file_path() == path
    hours = OfficeHours.current()
    assert hours.is_open(warsaw(2026, 3, 7, 10, 0))
    assert not hours.is_open(warsaw(2026, 3, 2, 10, 0))


def test_edits_are_picked_up_without_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "hours.yml", "hours:\n  monday: ['08:00-15:00']\n")
    monkeypatch.setenv(ENV_VAR, str(path))
    monday_evening = warsaw(2026, 3, 2, 16, 0)
    assert not OfficeHours.current().is_open(monday_evening)
    # Same size, written at once: nothing may depend on the modification time changing.
    write(path, "hours:\n  monday: ['08:00-17:00']\n")
    assert OfficeHours.current().is_open(monday_evening)
    write(path, "hours:\n  monday: ['08:00-17:00']\nextra_closed_days: ['2026-03-02']\n")
    assert not OfficeHours.current().is_open(monday_evening)
