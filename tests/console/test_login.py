"""Logging in to the console as an attacker would try it: throttling per address (never a lockout
that anyone can impose on an admin), one answer for every failure, sessions that logout and a
password change end on the server, `Secure` cookies and HSTS behind HTTPS, no common passwords."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.app import create_app
from bot.console.config import ConsoleSettings
from bot.gateway.config import Settings
from bot.staffweb.sessions import COOKIE
from bot.storage.models import AuditEntry, Role
from tests.console.conftest import migrated_url
from tests.console.test_web import PASSWORD, csrf_of
from tests.gateway.conftest import closed_port_url

ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.7"
NEW_PASSWORD = "zielona-herbata-o-siodmej"


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CONSOLE_DATABASE_URL", migrated_url(tmp_path))
    monkeypatch.setenv("CONSOLE_SECRET_KEY", "test-secret")
    monkeypatch.delenv("MOPS_ENV", raising=False)
    monkeypatch.delenv("CONSOLE_COOKIE_SECURE", raising=False)
    application = create_app(Settings(rasa_url=closed_port_url()))
    for login, role in (("ania", Role.worker), ("szef", Role.admin)):
        application.state.console.accounts.create(login, login.title(), role, PASSWORD, None)
    with TestClient(application):
        yield application


@pytest.fixture
def browser_at(app) -> Callable[..., TestClient]:
    """A browser at a client address (as uvicorn reports it), over HTTP or HTTPS."""

    def make(ip: str = OFFICE, scheme: str = "http") -> TestClient:
        return TestClient(app, base_url=f"{scheme}://testserver", client=(ip, 50000))

    return make


def try_login(client: TestClient, login: str, password: str):
    token = csrf_of(client.get("/console/login").text)
    return client.post(
        "/console/login",
        data={"login": login, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def error_of(page: str) -> str:
    return re.search(r'<p class="error" role="alert">(.*?)</p>', page).group(1)


def test_wrong_passwords_for_an_admin_block_the_attackers_address_not_the_admin(
    browser_at,
) -> None:
    attacker = browser_at(ATTACKER)
    answers = [try_login(attacker, "szef", f"zgaduje-{n}") for n in range(25)]
    assert all(a.status_code == 401 for a in answers)
    assert "zablokowane" in answers[-1].text
    assert try_login(attacker, "szef", PASSWORD).status_code == 401  # guessing right is no use

    admin = browser_at(OFFICE)
    assert try_login(admin, "szef", PASSWORD).status_code == 303
    assert "Kolejka rozmów" in admin.get("/console/queue").text


def test_an_address_trying_many_logins_is_blocked_for_all_of_them(app, browser_at) -> None:
    attacker = browser_at(ATTACKER)
    limit = app.state.console.settings.max_failed_logins_per_ip
    for n in range(limit):  # one guess per login: no login reaches its own limit
        assert try_login(attacker, f"login-{n}", "haslo123").status_code == 401
    blocked = try_login(attacker, "ania", PASSWORD)
    assert blocked.status_code == 401 and "zablokowane" in blocked.text
    assert try_login(browser_at(OFFICE), "ania", PASSWORD).status_code == 303


def test_unknown_login_and_wrong_password_get_the_same_answers_in_similar_time(
    browser_at,
) -> None:
    """Attempt by attempt (the fifth blocks both), and in time: both verify an argon2 hash."""
    unknown, known = browser_at("192.0.2.1"), browser_at("192.0.2.2")
    for _ in range(7):
        a = try_login(unknown, "nie-ma-takiego", "zle-haslo-1")
        b = try_login(known, "szef", "zle-haslo-1")
        assert (a.status_code, error_of(a.text)) == (b.status_code, error_of(b.text))

    times: dict[str, list[float]] = {"unknown": [], "known": []}
    for n in range(8):
        for kind, login in (("unknown", f"nikt-{n}"), ("known", "ania")):
            client = browser_at(f"192.0.2.{10 + 2 * n + (kind == 'known')}")  # never blocked
            token = csrf_of(client.get("/console/login").text)
            started = time.perf_counter()
            client.post(
                "/console/login", data={"login": login, "password": "zle", "csrf_token": token}
            )
            times[kind].append(time.perf_counter() - started)
    ratio = statistics.median(times["unknown"]) / statistics.median(times["known"])
    assert 0.5 < ratio < 2, times


def test_logout_ends_the_session_on_the_server(browser_at) -> None:
    client = browser_at()
    assert try_login(client, "ania", PASSWORD).status_code == 303
    stolen = client.cookies[COOKIE]
    page = client.get("/console/queue")
    client.post("/console/logout", data={"csrf_token": csrf_of(page.text)})

    replayed = browser_at(ATTACKER)
    replayed.cookies.set(COOKIE, stolen, path="/console")
    assert replayed.get("/console/queue", follow_redirects=False).status_code == 303
    assert replayed.get("/console/api/queue").status_code == 401


def test_a_password_change_ends_other_sessions_and_refuses_weak_passwords(app, browser_at) -> None:
    here, elsewhere = browser_at(), browser_at("192.0.2.50")
    for client in (here, elsewhere):
        assert try_login(client, "ania", PASSWORD).status_code == 303
    token = csrf_of(here.get("/console/password").text)

    def change(current: str, new: str, repeated: str | None = None):
        form = {"current": current, "new": new, "repeated": repeated or new, "csrf_token": token}
        return here.post("/console/password", data=form)

    wrong = change("nie-to-haslo-wcale", NEW_PASSWORD)
    assert wrong.status_code == 400 and "Obecne hasło jest nieprawidłowe." in wrong.text
    assert "nie są takie same" in change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x").text
    for weak in ("111111111111", "qwertyuiop123", "kochamcie123", "ania-ania-ania"):
        refused = change(PASSWORD, weak)
        assert refused.status_code == 400 and "łatwo odgadnąć" in refused.text, weak
    assert "co najmniej 12 znaków" in change(PASSWORD, "Kr0tk13!").text

    done = change(PASSWORD, NEW_PASSWORD)
    assert "Hasło zostało zmienione." in done.text
    assert here.get("/console/queue", follow_redirects=False).status_code == 200  # renewed
    assert elsewhere.get("/console/queue", follow_redirects=False).status_code == 303
    assert try_login(browser_at("192.0.2.51"), "ania", PASSWORD).status_code == 401
    assert try_login(browser_at("192.0.2.51"), "ania", NEW_PASSWORD).status_code == 303
    with app.state.console.db.sessions() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert actions.count("staff.password_changed") == 1


def test_new_accounts_refuse_common_and_trivial_passwords(browser_at) -> None:
    admin = browser_at()
    try_login(admin, "szef", PASSWORD)
    token = csrf_of(admin.get("/console/staff").text)
    for weak in ("111111111111", "password1234", "zaq12wsxcde3", "haslo1234567", "cela-cela-cela"):
        form = {"login": "cela", "first_name": "Cela", "role": "worker", "password": weak}
        refused = admin.post("/console/staff", data={**form, "csrf_token": token})
        assert refused.status_code == 400 and "łatwo odgadnąć" in refused.text, weak
    form = {"login": "cela", "first_name": "Cela", "role": "worker", "password": NEW_PASSWORD}
    assert (
        "Konto zostało utworzone."
        in admin.post("/console/staff", data={**form, "csrf_token": token}).text
    )


def test_cookie_is_secure_and_hsts_sent_over_https(browser_at) -> None:
    over_https = browser_at(scheme="https")
    response = try_login(over_https, "ania", PASSWORD)
    assert "secure" in response.headers["set-cookie"].lower()
    assert response.headers["strict-transport-security"].startswith("max-age=")
    page = over_https.get("/console/queue")
    assert page.status_code == 200 and "strict-transport-security" in page.headers

    over_http = browser_at()  # development on loopback: nothing to secure
    response = try_login(over_http, "ania", PASSWORD)
    assert "secure" not in response.headers["set-cookie"].lower()
    assert "strict-transport-security" not in response.headers


def test_production_makes_cookies_secure_unless_told_otherwise() -> None:
    assert ConsoleSettings.from_env({"MOPS_ENV": "production"}).cookie_secure is True
    assert ConsoleSettings.from_env({}).cookie_secure is None  # development: when over HTTPS
    explicit = {"MOPS_ENV": "production", "CONSOLE_COOKIE_SECURE": "0"}
    assert ConsoleSettings.from_env(explicit).cookie_secure is False
