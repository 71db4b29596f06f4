"""The gateway's daily retention run: when it runs, that it deletes, that a failure is survived."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

import pytest

from bot.clock import LOCAL_ZONE as WARSAW
from bot.review.conversations import ConversationIndex
from bot.review.schedule import next_run, retention_time, run_daily
from bot.review.settings import ReviewSettings
from tests.review.conftest import NOW, Turn, add_conversation
from tests.review.test_retention import senders


def test_the_time_comes_from_the_environment_and_can_be_switched_off() -> None:
    assert retention_time({}) == time(3, 15)
    assert retention_time({"REVIEW_RETENTION_AT": "22:30"}) == time(22, 30)
    assert retention_time({"REVIEW_RETENTION_AT": "off"}) is None
    with pytest.raises(ValueError, match="REVIEW_RETENTION_AT"):
        retention_time({"REVIEW_RETENTION_AT": "o trzeciej"})


def test_next_run_is_later_today_or_tomorrow_in_krakow_time() -> None:
    evening = datetime(2026, 3, 28, 23, 0, tzinfo=WARSAW)
    assert next_run(evening, time(3, 15)) == datetime(2026, 3, 29, 3, 15, tzinfo=WARSAW)
    night = datetime(2026, 3, 29, 1, 0, tzinfo=WARSAW)  # the night the clocks go forward
    assert next_run(night, time(3, 15)) == datetime(2026, 3, 29, 3, 15, tzinfo=WARSAW)
    assert next_run(datetime(2026, 3, 29, 3, 15, tzinfo=WARSAW), time(3, 15)).day == 30


def test_the_daily_run_deletes_old_conversations_and_survives_a_failure(
    index: ConversationIndex, tracker_url: str
) -> None:
    add_conversation(index.tracker, "stara", NOW - timedelta(days=120), [Turn("hej")])
    add_conversation(index.tracker, "nowa", NOW - timedelta(days=1), [Turn("hej")])
    clock = {"now": datetime(2026, 11, 22, 20, 0, tzinfo=WARSAW)}
    waits: list[float] = []

    async def sleep(seconds: float) -> None:  # time passes at once; the third night ends the test
        waits.append(seconds)
        clock["now"] += timedelta(seconds=seconds)
        if len(waits) == 3:
            raise asyncio.CancelledError

    broken = ReviewSettings(tracker_url="postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(asyncio.CancelledError):  # a tracker store that is down: logged, retried
        asyncio.run(run_daily(index.db, broken, time(3, 15), lambda: clock["now"], sleep))
    assert waits[0] == 7.25 * 3600 and waits[1] == 24 * 3600  # 20:00 → 3:15, then a day

    waits.clear()
    settings = ReviewSettings(tracker_url=tracker_url, retention_days=90)
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(run_daily(index.db, settings, time(3, 15), lambda: clock["now"], sleep))
    assert senders(index) == {"nowa"}
