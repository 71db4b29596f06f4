"""Messenger re-deliveries and stale deliveries are not answered again (issue #11, row 8).

Meta re-delivers a webhook call with the same `mid` when our 200 comes late. Against the real
Rasa webhook (Graph API calls land in the local fake), and the memory of seen ids on its own.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from typing import Any

import pytest
import requests
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore

from bot.gateway.messenger_dedup import (
    KEY_PREFIX,
    Deliveries,
    MemorySeenIds,
    RedisSeenIds,
    seen_ids_for,
)
from tests.conftest import RasaStack, free_port
from tests.fake_graph import FakeGraph, event, messages_to, now_ms, said_to, signed, webhook

GREETING = "automatycznym asystentem"  # the answer to "Dzień dobry"


def deliver(stack: RasaStack, body: bytes) -> None:
    response = requests.post(webhook(stack), data=body, headers=signed(body), timeout=60)
    assert response.status_code == 200


def user_events(stack: RasaStack, sender: str) -> list[str]:
    return [e["text"] for e in stack.tracker(sender)["events"] if e["event"] == "user"]


def greetings(graph: FakeGraph, sender: str) -> int:
    return sum(GREETING in text for text in said_to(graph, sender))


@pytest.mark.slow
def test_the_same_mid_three_times_is_answered_and_stored_once(
    rasa_stack: RasaStack, graph: FakeGraph
) -> None:
    sender = f"fb-{uuid.uuid4().hex[:8]}"
    body = event(sender, {"message": {"mid": f"m-{uuid.uuid4().hex}", "text": "Dzień dobry"}})
    # Meta re-delivers while the first call is still being answered (our 200 came late) …
    calls = [threading.Thread(target=deliver, args=(rasa_stack, body)) for _ in range(2)]
    for call in calls:
        call.start()
    for call in calls:
        call.join()
    deliver(rasa_stack, body)  # … and once more afterwards
    assert greetings(graph, sender) == 1, said_to(graph, sender)
    assert user_events(rasa_stack, sender) == ["Dzień dobry"]


@pytest.mark.slow
def test_two_different_mids_get_two_answers(rasa_stack: RasaStack, graph: FakeGraph) -> None:
    sender = f"fb-{uuid.uuid4().hex[:8]}"
    for _ in range(2):
        mid = f"m-{uuid.uuid4().hex}"
        deliver(rasa_stack, event(sender, {"message": {"mid": mid, "text": "Dzień dobry"}}))
    assert greetings(graph, sender) == 2
    assert user_events(rasa_stack, sender) == ["Dzień dobry", "Dzień dobry"]


@pytest.mark.slow
def test_a_stale_delivery_is_not_answered(rasa_stack: RasaStack, graph: FakeGraph) -> None:
    sender = f"fb-{uuid.uuid4().hex[:8]}"
    day_and_a_bit = (24 * 3600 + 60) * 1000
    stale = {"mid": f"m-{uuid.uuid4().hex}", "text": "Dzień dobry"}
    body = event(sender, {"message": stale, "timestamp": now_ms() - day_and_a_bit})
    deliver(rasa_stack, body)
    time.sleep(0.5)
    assert not messages_to(graph, sender)
    assert user_events(rasa_stack, sender) == []
    # a fresh message of the same resident is answered as usual
    fresh = {"mid": f"m-{uuid.uuid4().hex}", "text": "Dzień dobry"}
    deliver(rasa_stack, event(sender, {"message": fresh}))
    assert greetings(graph, sender) == 1


# ---- the memory of seen ids -------------------------------------------------------------------


def messaging(mid: str, sender: str = "psid-1", age_s: float = 0.0) -> dict[str, Any]:
    return {
        "sender": {"id": sender},
        "timestamp": now_ms() - int(age_s * 1000),
        "message": {"mid": mid, "text": "x"},
    }


def test_deliveries_take_each_mid_once_and_skip_stale_ones() -> None:
    deliveries = Deliveries(MemorySeenIds(ttl=3600), max_age=3600)

    async def taken() -> list[bool]:
        return [
            await deliveries.take(messaging("a")),
            await deliveries.take(messaging("a")),
            await deliveries.take(messaging("b")),
            await deliveries.take(messaging("a", sender="psid-2")),  # another conversation's id
            await deliveries.take(messaging("c", age_s=3700)),  # older than the window
            await deliveries.take({"sender": {"id": "p"}, "message": {"text": "no mid"}}),
            await deliveries.take({"sender": {"id": "p"}, "postback": {"mid": "d"}}),
            await deliveries.take({"sender": {"id": "p"}, "postback": {"mid": "d"}}),
        ]

    assert asyncio.run(taken()) == [True, False, True, True, False, True, True, False]


def test_memory_forgets_an_id_after_its_ttl() -> None:
    seen = MemorySeenIds(ttl=0.2)

    async def drill() -> list[bool]:
        first = [await seen.first_time("k"), await seen.first_time("k")]
        await asyncio.sleep(0.3)
        return [*first, await seen.first_time("k")]

    assert asyncio.run(drill()) == [True, False, True]


@pytest.mark.slow
def test_with_rasas_redis_lock_store_the_ids_are_kept_in_redis(
    monkeypatch: pytest.MonkeyPatch, redis_port: int
) -> None:
    monkeypatch.setenv("MESSENGER_MAX_AGE_HOURS", "2")
    assert isinstance(seen_ids_for(InMemoryLockStore()), MemorySeenIds)
    # Two Rasa instances, each with its own connection to the one Redis of the lock store.
    stores = [RedisLockStore(host="127.0.0.1", port=redis_port) for _ in range(2)]
    shared = [seen_ids_for(store) for store in stores]
    assert all(isinstance(seen, RedisSeenIds) for seen in shared)
    key = f"psid:{uuid.uuid4().hex}"

    async def drill() -> list[bool]:
        # The same re-delivery reaching both instances at once: Redis lets only one take it.
        both = await asyncio.gather(*(seen.first_time(key) for seen in shared))
        return [*both, await shared[0].first_time(key)]

    assert sorted(asyncio.run(drill())) == [False, False, True]
    assert 0 < stores[0].red.ttl(KEY_PREFIX + key) <= 7200  # remembered for the max age only


def test_redis_down_the_message_is_still_answered() -> None:
    seen = seen_ids_for(RedisLockStore(host="127.0.0.1", port=free_port(), socket_timeout=1))
    assert asyncio.run(seen.first_time("p:m")) is True  # nothing listens there
