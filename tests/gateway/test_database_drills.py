"""Database drills with real processes: Rasa's tracker database and the console's database locked.

Another connection holds an exclusive lock (a backup, a long migration, a stuck process) while
residents write. What a resident must see: an answer to every message at once, and — once the
database is free again — every message stored once, in order, and answered. The console
database locked: its effect on the gateway's event loop in tests/console/test_event_loop.py, a
handoff request made during the lock with the real processes in tests/e2e/test_handoff.py.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.gateway.fallback import crisis_texts
from tests.conftest import MODEL
from tests.fake_graph import FakeGraph, post, said_to
from tests.gateway.conftest import new_session
from tests.gateway.outage import OutageStack

pytestmark = pytest.mark.slow
# Far longer than the busy timeout of Rasa's tracker store (0.4 s, endpoints.yml): Rasa's reads
# and writes of the tracker fail while it lasts, they do not merely wait.
TRACKER_LOCK_SECONDS = 9.0


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, graph: FakeGraph) -> Iterator[OutageStack]:  # noqa: ARG001 (the fake Graph API runs first)
    with OutageStack.running(tmp_path_factory.mktemp("db-drills"), MODEL) as running:
        yield running


class HeldLock:
    """An exclusive lock on a SQLite file, held by another connection until released."""

    def __init__(self, path: Path, seconds: float) -> None:
        self.connection = sqlite3.connect(
            path, isolation_level=None, timeout=30, check_same_thread=False
        )
        self.connection.execute("BEGIN EXCLUSIVE")
        self.released = threading.Event()
        self.timer = threading.Timer(seconds, self.release)
        self.timer.start()

    def release(self) -> None:
        if not self.released.is_set():
            self.connection.execute("ROLLBACK")
            self.connection.close()
            self.released.set()


# The crisis reply itself (every apology also carries the 24/7 numbers in one gentle line).
SUICIDE_REPLY = crisis_texts()["crisis_suicide"]
APOLOGY = "asystent jest w tej chwili niedostępny"


def bot_texts(messages: list[dict]) -> list[str]:
    return [m["text"] for m in messages if m.get("role") == "bot"]


def test_tracker_database_locked_every_message_answered_then_stored_once_in_order(
    stack: OutageStack, make_client
) -> None:
    client = make_client(rasa_url=stack.rasa_url)
    first, second = new_session(client), new_session(client)
    for session in (first, second):  # both conversations exist in the tracker store
        assert client.post(
            f"/api/sessions/{session}/messages", json={"text": "Dzień dobry"}
        ).is_success
    said = {
        first: ["Jak mogę dostać COGITO?", "nie chcę żyć"],
        second: ["Jakie są formy wsparcia?"],
    }
    seen = {
        s: client.get(f"/api/sessions/{s}/messages").json()["messages"][-1]["seq"] for s in said
    }

    lock = HeldLock(stack.workdir / "tracker.db", TRACKER_LOCK_SECONDS)
    answered: dict[str, list[list[str]]] = {session: [] for session in said}
    took: list[float] = []

    def resident(session: str) -> None:
        for text in said[session]:
            started = time.perf_counter()
            response = client.post(f"/api/sessions/{session}/messages", json={"text": text})
            took.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
            answered[session].append(bot_texts(response.json()["messages"]))

    residents = [threading.Thread(target=resident, args=(s,)) for s in said]
    for thread in residents:
        thread.start()
    for thread in residents:
        thread.join(timeout=60)
    # Rasa's REST channel tells the gateway that it could not store a message (not `[]`, which
    # is also Rasa's answer when the action server is down): bot/gateway/rest_channel.py.
    probe = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": "probe-while-locked", "message": "Dzień dobry"},
        timeout=30,
    )
    assert (probe.status_code, lock.released.is_set()) == (503, False), probe.text
    # Another resident writes while the lock lasts: Rasa said that it cannot store conversations,
    # so the gateway answers at once instead of waiting for Rasa's own failure.
    third = new_session(client)
    said[third] = ["Czy jest grupa wsparcia?"]
    answered[third] = []
    resident(third)
    during = "during" if not lock.released.is_set() else "after"
    print(f"answers took {', '.join(f'{t:.1f}' for t in took)} s, the last {during} the lock")
    lock.timer.join()

    # every message got an answer while the tracker was locked: the apology with the
    # information point at least, and the crisis numbers for the crisis message
    for session, answers in answered.items():
        assert len(answers) == len(said[session])
        assert all(answer for answer in answers), answers
    assert any(SUICIDE_REPLY in text for text in answered[first][1])

    # once it is free, every message is stored once, in order, and its answer reaches the chat
    deadline = time.monotonic() + 60
    expected = {s: ["Dzień dobry", *texts] for s, texts in said.items() if s != third}
    expected[third] = said[third]
    while time.monotonic() < deadline and any(stack.tracker_texts(s) != expected[s] for s in said):
        time.sleep(1)
    for session in said:
        assert stack.tracker_texts(session) == expected[session]
    url = f"/api/sessions/{first}/messages"
    since = bot_texts(client.get(url, params={"after": seen[first]}).json()["messages"])
    cogito = [i for i, text in enumerate(since) if "COGITO" in text]  # only Rasa's late answer
    crisis = [i for i, text in enumerate(since) if SUICIDE_REPLY in text]  # fallback, then Rasa's
    # "nie chcę żyć" follows the first message's wait: it may come after the lock is gone, and
    # then Rasa answers it at once (no fallback, so no late second answer).
    during_lock = any(APOLOGY in text for text in answered[first][1])
    assert cogito and len(crisis) == (2 if during_lock else 1), since
    assert cogito[0] < crisis[-1]  # the late answers come in the order the messages were sent
    # the file Rasa created holds every conversation: readable by its own user only
    assert oct((stack.workdir / "tracker.db").stat().st_mode & 0o777) == "0o600"


def test_tracker_database_locked_a_messenger_message_is_answered_kept_and_answered_once(
    stack: OutageStack, graph: FakeGraph
) -> None:
    sender = f"psid-locked-{time.monotonic_ns()}"
    post(stack, sender, "Dzień dobry")  # the conversation exists
    before = len(said_to(graph, sender))

    lock = HeldLock(stack.workdir / "tracker.db", TRACKER_LOCK_SECONDS)
    post(stack, sender, "Jakie są formy wsparcia?")  # Rasa cannot read the conversation
    at_once = said_to(graph, sender)[before:]
    assert any(APOLOGY in text for text in at_once), at_once  # answered while it is locked
    lock.timer.join()

    # once it is free: the message stored once, and Rasa's own answer sent to the resident
    deadline = time.monotonic() + 60
    expected = ["Dzień dobry", "Jakie są formy wsparcia?"]
    while time.monotonic() < deadline and stack.tracker_texts(sender) != expected:
        time.sleep(1)
    assert stack.tracker_texts(sender) == expected
    late = said_to(graph, sender)[before + len(at_once) :]
    assert any("asystent" in text.lower() for text in late), late  # the forms of support
