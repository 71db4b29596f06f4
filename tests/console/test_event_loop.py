"""The console shares the gateway's event loop with every resident's chat, so nothing it does may
block that loop: argon2 (logins) and database calls run in FastAPI's thread pool. The gateway is
served by uvicorn in a thread, as in production; Rasa is a local stand-in that answers at once."""

from __future__ import annotations

import sqlite3
import statistics
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from bot.app import create_app
from bot.gateway.config import Settings
from bot.storage.models import Role
from tests.browser import served
from tests.console.conftest import migrated_url
from tests.console.test_web import PASSWORD, csrf_of
from tests.fake_rasa import ANSWER, FakeRasa, fake_rasa  # noqa: F401 (fixture)

LOGINS = 20


@dataclass
class Served:
    url: str
    app: FastAPI
    database: Path


@pytest.fixture
def gateway(
    fake_rasa: FakeRasa,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Served]:
    monkeypatch.setenv("CONSOLE_DATABASE_URL", migrated_url(tmp_path))
    monkeypatch.setenv("CONSOLE_SECRET_KEY", "test-secret")
    app = create_app(Settings(rasa_url=fake_rasa.url))
    app.state.console.accounts.create("ania", "Ania", Role.worker, PASSWORD, actor=None)
    with served(app) as url:
        yield Served(url, app, tmp_path / "console.db")


def login_form(url: str) -> tuple[httpx.Client, str]:
    """A browser on the login page: its cookie and the form's CSRF token."""
    client = httpx.Client(base_url=url, timeout=60)
    return client, csrf_of(client.get("/console/login").text)


def test_health_stays_fast_while_twenty_wrong_logins_are_verified(gateway: Served) -> None:
    browsers = [login_form(gateway.url) for _ in range(LOGINS)]
    health = httpx.Client(base_url=gateway.url, timeout=60)

    def timed_health() -> float:
        started = time.perf_counter()
        assert health.get("/health").status_code == 200
        return time.perf_counter() - started

    quiet = statistics.median(timed_health() for _ in range(10))
    statuses: list[int] = []

    def wrong_login(n: int) -> None:
        client, token = browsers[n]
        form = {"login": f"konto-{n}", "password": "zle-haslo", "csrf_token": token}
        statuses.append(client.post("/console/login", data=form).status_code)

    threads = [threading.Thread(target=wrong_login, args=(n,)) for n in range(LOGINS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    during: list[float] = []
    while any(t.is_alive() for t in threads):
        during.append(timed_health())
    logins_took = time.perf_counter() - started
    for thread in threads:
        thread.join()

    assert statuses == [401] * LOGINS
    assert len(during) >= 5, (during, logins_took)  # /health answered while logins were checked
    print(
        f"/health median {quiet * 1000:.1f} ms quiet, {statistics.median(during) * 1000:.1f} ms "
        f"during {LOGINS} logins ({logins_took:.2f} s, {len(during)} answers)"
    )
    assert statistics.median(during) < 0.1


def test_a_locked_console_database_does_not_hold_up_residents(
    gateway: Served,
    fake_rasa: FakeRasa,  # noqa: F811
) -> None:
    """While another connection holds the console database, a worker's page, a login and a
    resident waiting for a worker (the gateway asks the database for the ticket) all wait for
    it; every other resident is answered as usual, within a second."""
    worker, token = login_form(gateway.url)
    form = {"login": "ania", "password": PASSWORD, "csrf_token": token}
    assert worker.post("/console/login", data=form).status_code == 303
    colleague, token = login_form(gateway.url)
    again = {"login": "ania", "password": PASSWORD, "csrf_token": token}
    resident = httpx.Client(base_url=gateway.url, timeout=60)
    session = resident.post("/api/sessions").json()["session"]
    handed_over = resident.post("/api/sessions").json()["session"]
    gateway.app.state.console.tickets.open(handed_over, "web", "Pomoc")
    fake_rasa.paused.add(handed_over)

    outcomes: dict[str, object] = {}

    def queue_poll() -> None:
        outcomes["queue"] = worker.get("/console/api/queue").status_code

    def logging_in() -> None:
        outcomes["login"] = colleague.post("/console/login", data=again).status_code

    def waiting_resident_writes() -> None:
        url = f"/api/sessions/{handed_over}/messages"
        outcomes["waiting"] = resident.post(url, json={"text": "Czy ktoś jest?"}).json()

    lock = sqlite3.connect(gateway.database, isolation_level=None, timeout=5)
    lock.execute("BEGIN EXCLUSIVE")  # e.g. a long migration or a backup holding the database
    stuck = [threading.Thread(target=f) for f in (queue_poll, logging_in, waiting_resident_writes)]
    try:
        for thread in stuck:
            thread.start()
        time.sleep(0.5)  # all three are now waiting for the database
        assert not outcomes
        for text in ("Dzień dobry", "Jak złożyć wniosek o zasiłek?"):
            started = time.perf_counter()
            answer = resident.post(f"/api/sessions/{session}/messages", json={"text": text})
            took = time.perf_counter() - started
            assert answer.status_code == 200 and ANSWER in answer.text
            assert took < 1.0, f"{took:.2f} s"
        assert resident.get("/health").status_code == 200
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    for thread in stuck:
        thread.join(timeout=20)
    # once the database is free the console goes on and the waiting resident hears their place
    assert outcomes["queue"] == 200 and outcomes["login"] == 303
    assert "miejsce w kolejce: 1" in str(outcomes["waiting"]), outcomes
