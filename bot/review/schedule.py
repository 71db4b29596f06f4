"""The daily retention run inside the gateway, so old conversations go without anyone's cron.

`REVIEW_RETENTION_AT` is the Kraków time of the daily run ("03:15" by default); "off" turns it
off where an external scheduler runs `python -m bot.review retention` instead. Several gateway
processes may each run it: deleting what is already gone is harmless.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, time, timedelta

from bot.clock import LOCAL_ZONE
from bot.review.retention import RetentionResult, apply_retention
from bot.review.settings import ReviewSettings
from bot.review.tracker import tracker_engine
from bot.storage.db import Database

DEFAULT_AT = time(3, 15)  # at night, when nobody chats
log = logging.getLogger("bot.review.schedule")


def retention_time(env: Mapping[str, str] | None = None) -> time | None:
    """The daily run's time from REVIEW_RETENTION_AT, or None when it is "off"."""
    value = (os.environ if env is None else env).get("REVIEW_RETENTION_AT", "").strip().lower()
    if value in ("off", "0", "no", "false"):
        return None
    if not value:
        return DEFAULT_AT
    try:
        return time.fromisoformat(value)
    except ValueError as error:
        raise ValueError(
            f'REVIEW_RETENTION_AT: expected "HH:MM" or "off", got {value!r}'
        ) from error


def next_run(now: datetime, at: time) -> datetime:
    """The next moment (Kraków time) at `at`, strictly after `now`."""
    local = now.astimezone(LOCAL_ZONE)
    candidate = datetime.combine(local.date(), at, tzinfo=LOCAL_ZONE)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=LOCAL_ZONE)
    return candidate


def run_retention(db: Database, settings: ReviewSettings) -> RetentionResult:
    """One run, with its own connection to the tracker store."""
    tracker = tracker_engine(settings.tracker_url)
    try:
        return apply_retention(tracker, db, settings.retention_days)
    finally:
        tracker.dispose()


async def run_daily(
    db: Database,
    settings: ReviewSettings,
    at: time,
    now: Callable[[], datetime] = lambda: datetime.now(LOCAL_ZONE),
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> None:
    """Run retention every day at `at` until cancelled; a failed run is logged and retried
    the next day (the conversations are still there, nothing is lost)."""
    while True:
        wait = (next_run(now(), at) - now()).total_seconds()
        await sleep(max(0.0, wait))
        try:
            result = await asyncio.to_thread(run_retention, db, settings)
        except Exception:
            log.exception("retention failed")
            continue
        log.info(
            "retention done",
            extra={"conversations": result.conversations, "events": result.events},
        )
