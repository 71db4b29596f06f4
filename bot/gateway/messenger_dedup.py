"""Messenger deliveries answered once: de-duplication by `mid`, stale deliveries ignored.

Meta re-delivers a webhook call when our 200 comes late (or not at all), for up to a day, and a
re-delivery carries the same message id (`mid`). Rasa's channel would answer and store it again.
The memory of seen ids must be shared by every Rasa instance that serves the webhook: when Rasa's
lock store is Redis (endpoints.production.yml), the ids go to that Redis (SET NX with a TTL, one
atomic step, so two instances receiving the same re-delivery cannot both take it); otherwise (one
Rasa: `make run`, the tests) to a TTL cache in this process.

A delivery older than MESSENGER_MAX_AGE_HOURS (default 24, Meta's own re-delivery window) is not
answered at all: it is a re-delivery whose id may already have left the memory, and an answer a
day late to a message the resident has long since moved on from only confuses.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import OrderedDict
from typing import Any, Protocol

from rasa.core.lock_store import LockStore, RedisLockStore

DEFAULT_MAX_AGE_HOURS = 24.0
KEY_PREFIX = "mops:messenger:mid:"
log = logging.getLogger("bot.gateway.messenger")


def max_age_seconds() -> float:
    """How old a delivery may be and still be answered (MESSENGER_MAX_AGE_HOURS)."""
    return float(os.environ.get("MESSENGER_MAX_AGE_HOURS") or DEFAULT_MAX_AGE_HOURS) * 3600


class SeenIds(Protocol):
    """A memory of message ids, each remembered for `ttl` seconds."""

    async def first_time(self, key: str) -> bool:
        """Remember `key`; True only for the first caller (in `ttl` seconds)."""
        ...


class MemorySeenIds:
    """In this process only: enough for one Rasa instance. The oldest ids go first when full."""

    def __init__(self, ttl: float, max_ids: int = 100_000) -> None:
        self.ttl = ttl
        self.max_ids = max_ids
        self._seen: OrderedDict[str, float] = OrderedDict()  # key -> when it expires

    async def first_time(self, key: str) -> bool:
        now = time.monotonic()
        while self._seen and next(iter(self._seen.values())) <= now:
            self._seen.popitem(last=False)  # insertion order is expiry order (one ttl)
        if key in self._seen:
            return False
        self._seen[key] = now + self.ttl
        if len(self._seen) > self.max_ids:
            self._seen.popitem(last=False)
        return True


class RedisSeenIds:
    """In Rasa's Redis lock store: shared by every Rasa instance.

    Rasa's redis client is synchronous, so the call runs in a thread. If Redis fails the message
    is answered anyway (a rare double answer is better than silence).
    """

    def __init__(self, red: Any, ttl: float) -> None:
        self.red = red
        self.ttl = max(1, int(ttl))

    async def first_time(self, key: str) -> bool:
        try:
            return bool(
                await asyncio.to_thread(self.red.set, KEY_PREFIX + key, b"1", nx=True, ex=self.ttl)
            )
        except Exception:  # redis.RedisError, or a connection that went away
            log.exception("message id not checked: redis unavailable")
            return True


def seen_ids_for(lock_store: LockStore | None) -> SeenIds:
    """Redis when Rasa's lock store is Redis (several instances), this process's memory else."""
    if isinstance(lock_store, RedisLockStore):
        return RedisSeenIds(lock_store.red, max_age_seconds())
    return MemorySeenIds(max_age_seconds())


class Deliveries:
    """Decides whether one webhook `messaging` item is to be handled."""

    def __init__(self, seen: SeenIds, max_age: float) -> None:
        self.seen = seen
        self.max_age = max_age

    async def take(self, message: dict[str, Any]) -> bool:
        """False for a stale delivery or a re-delivery of a message already taken."""
        sent_ms = message.get("timestamp")
        if isinstance(sent_ms, int | float) and time.time() - sent_ms / 1000 > self.max_age:
            log.info("stale delivery ignored")
            return False
        body = message.get("message") or message.get("postback") or {}
        mid = body.get("mid") if isinstance(body, dict) else None
        if not isinstance(mid, str) or not mid:
            return True  # nothing to recognise a re-delivery by
        sender = str((message.get("sender") or {}).get("id") or "")
        if await self.seen.first_time(f"{sender}:{mid}"):
            return True
        log.info("re-delivery ignored")
        return False
