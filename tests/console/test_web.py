"""The console through HTTP, as a browser sees it: login, lockout, CSRF, roles, tickets, replies."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.app import create_app
from bot.console.accounts import AccountService
from bot.gateway.config import Settings
from bot.gateway.sessions import new_session_id
from bot.storage.models import AuditEntry, CallbackStatus, ContactKind, Role
from tests.console.conftest import migrated_url
from tests.gateway.conftest import closed_port_url

PASSWORD = "bardzo-tajne-haslo-1"
SESSION = new_session_id()  # the gateway accepts only web ids it issued


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CONSOLE_DATABASE_URL", migrated_url(tmp_path))
    monkeypatch.setenv("CONSOLE_SECRET_KEY", "test-secret")
    application = create_app(Settings(rasa_url=closed_port_url()))
    # Rasa's events API, recorded: the real one is exercised in tests/e2e/test_handoff.py.
    application.state.rasa_events = []

    async def append_events(sender: str, events: list[dict], deliver: bool = False) -> None:
        application.state.rasa_events.append((sender, events, deliver))

    application.state.chat.rasa.append_events = append_events
    console = application.state.console
    for login, role in (("ania", Role.worker), ("basia", Role.worker), ("szef", Role.admin)):
        console.accounts.create(login, login.capitalize(), role, PASSWORD, actor=None)
    return application


@pytest.fixture
def client_for(app) -> Iterator[Callable[[], TestClient]]:
    """Browsers with their own cookies, all served by one event loop as under uvicorn."""
    main = TestClient(app)
    main.__enter__()

    def make() -> TestClient:
        client = TestClient(app)
        client.portal = main.portal  # share the app's loop (the gateway's Rasa client lives in it)
        return client

    yield make
    main.__exit__(None, None, None)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def logged_in(make: Callable[[], TestClient], login: str) -> tuple[TestClient, str]:
    client = make()
    token = csrf_of(client.get("/console/login").text)
    response = client.post(
        "/console/login",
        data={"login": login, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get("/console/queue")
    return client, csrf_of(page.text)


def console_routes(app) -> list[APIRoute]:
    return [r for r in app.routes if isinstance(r, APIRoute) and r.path.startswith("/console")]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_no_console_page_or_api_without_login(app, client_for) -> None:
    client = client_for()
    checked = 0
    for route in console_routes(app):
        if route.path == "/console/login":
            continue
        for method in route.methods:
            response = client.request(method, concrete(route.path), follow_redirects=False)
            if route.path.startswith("/console/api/"):
                assert response.status_code == 401, route.path
            else:
                assert response.status_code == 303, (method, route.path)
                assert response.headers["location"] == "/console/login"
            checked += 1
    assert checked >= 12


def test_login_sets_a_strict_httponly_cookie_and_logout_ends_it(client_for) -> None:
    client = client_for()
    token = csrf_of(client.get("/console/login").text)
    response = client.post(
        "/console/login",
        data={"login": "ania", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/console" in cookie
    page = client.get("/console/queue")
    assert "Kolejka rozmów" in page.text and "Ania (pracownik)" in page.text
    assert page.headers["x-frame-options"] == "DENY"
    client.post("/console/logout", data={"csrf_token": csrf_of(page.text)})
    assert client.get("/console/queue", follow_redirects=False).status_code == 303


def test_wrong_passwords_are_counted_and_the_fifth_blocks_this_login_from_this_address(
    app, client_for
) -> None:
    client = client_for()
    token = csrf_of(client.get("/console/login").text)

    def attempt(password: str):
        return client.post(
            "/console/login",
            data={"login": "ania", "password": password, "csrf_token": token},
            follow_redirects=False,
        )

    for _ in range(4):
        response = attempt("zle-haslo")
        assert response.status_code == 401
        assert "Nieprawidłowy login lub hasło." in response.text
    response = attempt("zle-haslo")
    assert "Konto jest czasowo zablokowane" in response.text
    response = attempt(PASSWORD)  # the right password no longer helps
    assert response.status_code == 401 and "zablokowane" in response.text
    assert attempt(PASSWORD).status_code == 401

    other = client_for()  # other accounts are not affected
    token = csrf_of(other.get("/console/login").text)
    ok = other.post(
        "/console/login",
        data={"login": "basia", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    with app.state.console.db.sessions() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert actions.count("login.failed") == 5 and "login.locked" in actions


def test_lockout_ends_after_fifteen_minutes(app) -> None:
    console = app.state.console
    clock = {"now": console.accounts.now()}
    accounts = AccountService(console.db, console.settings, lambda: clock["now"])
    for _ in range(5):
        assert accounts.authenticate("ania", "zle").staff is None
    assert accounts.authenticate("ania", PASSWORD).staff is None
    from datetime import timedelta

    clock["now"] += timedelta(minutes=15, seconds=1)
    assert accounts.authenticate("ania", PASSWORD).staff.login == "ania"


def test_every_post_without_the_csrf_token_is_refused(app, client_for) -> None:
    client, _token = logged_in(client_for, "szef")
    ticket = app.state.console.tickets.open(SESSION, "web", "Prośba")
    posts = [r for r in console_routes(app) if "POST" in r.methods]
    assert len(posts) >= 9
    for route in posts:
        path = concrete(route.path).replace("/1/", f"/{ticket.id}/")
        for data in ({}, {"csrf_token": "podrobiony"}):
            response = client.post(path, data=data, follow_redirects=False)
            assert response.status_code == 403, route.path
            assert "Formularz wygasł" in response.text
    assert app.state.console.tickets.get(ticket.id).status == "waiting"


@pytest.mark.usefixtures("app")
def test_roles_a_worker_cannot_manage_accounts_an_admin_can(client_for) -> None:
    worker, token = logged_in(client_for, "ania")
    assert "Konta" not in worker.get("/console/queue").text
    assert worker.get("/console/staff").status_code == 403
    new = {"login": "cela", "first_name": "Cela", "role": "admin", "password": PASSWORD}
    refused = worker.post("/console/staff", data={**new, "csrf_token": token})
    assert refused.status_code == 403 and "Brak uprawnień" in refused.text

    admin, token = logged_in(client_for, "szef")
    page = admin.post("/console/staff", data={**new, "csrf_token": token})
    assert "Konto zostało utworzone." in page.text and "cela" in page.text
    short = admin.post(
        "/console/staff", data={**new, "login": "x", "password": "krotkie"} | {"csrf_token": token}
    )
    assert short.status_code == 400 and "co najmniej 12 znaków" in short.text


def test_two_workers_claim_the_same_ticket_one_wins_the_other_is_told(app, client_for) -> None:
    ticket = app.state.console.tickets.open(SESSION, "web", "Zasiłek celowy", topic="zasiłki")
    ania, ania_token = logged_in(client_for, "ania")
    basia, basia_token = logged_in(client_for, "basia")
    assert "Zasiłek celowy" in ania.get("/console/api/queue").text

    first = ania.post(f"/console/tickets/{ticket.id}/claim", data={"csrf_token": ania_token})
    second = basia.post(f"/console/tickets/{ticket.id}/claim", data={"csrf_token": basia_token})

    assert first.status_code == 200 and "Zgłoszenie zostało przejęte." in first.text
    assert second.status_code == 409
    assert "To zgłoszenie prowadzi już inna osoba (Ania)." in second.text
    assert "Odpowiedź dla mieszkańca" not in second.text  # no reply box for Basia
    queue = ania.get("/console/api/queue").json()["tickets"]
    assert [(t["status"], t["claimed_by_name"]) for t in queue] == [("claimed", "Ania")]


def test_claim_reply_and_give_back_are_recorded_in_rasa_and_reach_the_chat(app, client_for) -> None:
    ticket = app.state.console.tickets.open(SESSION, "web", "Pomoc")
    ania, token = logged_in(client_for, "ania")
    resident = client_for()
    with resident.websocket_connect(f"/ws/{SESSION}") as socket:
        assert socket.receive_json()["type"] == "history"
        ania.post(f"/console/tickets/{ticket.id}/claim", data={"csrf_token": token})
        joined = socket.receive_json()
        sent = ania.post(
            f"/console/tickets/{ticket.id}/reply",
            data={"text": "Dzień dobry, tu Ania z MOPS.", "csrf_token": token},
        )
        assert "Wiadomość została wysłana." in sent.text
        reply = socket.receive_json()
        ania.post(f"/console/tickets/{ticket.id}/give-back", data={"csrf_token": token})
        ended = socket.receive_json()
    assert "Do rozmowy dołączył(a) Ania" in joined["text"] and "author" not in joined
    assert (reply["type"], reply["text"], reply["author"]) == (
        "message",
        "Dzień dobry, tu Ania z MOPS.",
        "Ania",
    )
    assert "Znów odpowiada asystent" in ended["text"]
    assert "Ania (pracownik):" in sent.text  # the transcript shows the reply

    # Rasa's tracker gets the same, as `bot` events; the give-back also resumes the bot
    events = [(sender, [e["event"] for e in batch], deliver) for sender, batch, deliver in
              app.state.rasa_events]  # fmt: skip
    assert events[0] == (SESSION, ["bot"], False)  # the web chat is delivered by the gateway
    assert app.state.rasa_events[1][1][0]["metadata"] == {"author": "Ania"}
    assert events[2][1][0] == "resume" and events[2][1][-1] == "bot"
    assert {"handoff_ticket", "handoff_description"} <= {
        e["name"] for e in app.state.rasa_events[2][1] if e["event"] == "slot"
    }
    with app.state.console.db.sessions() as session:
        replies = session.scalars(select(AuditEntry).where(AuditEntry.action == "ticket.replied"))
        assert [e.target for e in replies] == [f"ticket:{ticket.id}"]


def test_a_messenger_reply_is_delivered_by_rasa_with_the_workers_name(app, client_for) -> None:
    ticket = app.state.console.tickets.open("1234567890", "facebook", "Pomoc")
    ania, token = logged_in(client_for, "ania")
    ania.post(f"/console/tickets/{ticket.id}/claim", data={"csrf_token": token})
    ania.post(
        f"/console/tickets/{ticket.id}/reply", data={"text": "Dzień dobry!", "csrf_token": token}
    )
    sender, (event,), deliver = app.state.rasa_events[-1]
    assert (sender, event["text"], deliver) == ("1234567890", "Ania (MOPS): Dzień dobry!", True)


def test_when_rasa_is_down_the_worker_is_told_and_keeps_the_draft(app, client_for) -> None:
    ticket = app.state.console.tickets.open(SESSION, "web", "Pomoc")
    ania, token = logged_in(client_for, "ania")
    ania.post(f"/console/tickets/{ticket.id}/claim", data={"csrf_token": token})
    del app.state.chat.rasa.append_events  # back to the real client: nothing listens
    page = ania.post(
        f"/console/tickets/{ticket.id}/reply", data={"text": "Czy jest Pani?", "csrf_token": token}
    )
    assert page.status_code == 409
    assert "asystent (Rasa) teraz nie odpowiada" in page.text and "Czy jest Pani?" in page.text


def test_the_ticket_page_follows_the_conversation_as_json(app, client_for) -> None:
    app.state.hub.seed(SESSION, [{"role": "user", "text": "<b>Halo</b>", "buttons": []}])
    ticket = app.state.console.tickets.open(SESSION, "web", "Pomoc")
    ania, _ = logged_in(client_for, "ania")
    data = ania.get(f"/console/api/tickets/{ticket.id}").json()
    assert data["status_text"] == "czeka"
    assert data["transcript"] == [{"role": "user", "text": "<b>Halo</b>", "author": None}]
    app.state.console.tickets.cancel(SESSION)
    assert ania.get(f"/console/api/tickets/{ticket.id}").json()["status"] == "cancelled"
    assert client_for().get(f"/console/api/tickets/{ticket.id}").status_code == 401


def test_residents_html_is_shown_escaped_in_the_ticket_page(app, client_for) -> None:
    hub = app.state.hub
    hub.seed(SESSION, [{"role": "user", "text": '<script>alert("x")</script><b>pomocy</b>'}])
    ticket = app.state.console.tickets.open(SESSION, "web", "<img src=x onerror=alert(1)>")
    client, _ = logged_in(client_for, "ania")
    page = client.get(f"/console/tickets/{ticket.id}").text
    assert "<script>alert" not in page and "<b>pomocy</b>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;pomocy&lt;/b&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img src=x" not in client.get("/console/queue").text


def test_transfer_give_back_and_close_from_the_ticket_page(app, client_for) -> None:
    tickets = app.state.console.tickets
    first = tickets.open(SESSION, "web", "Pierwsza")
    second = tickets.open(SESSION, "web", "Druga")
    ania, token = logged_in(client_for, "ania")
    basia_id = next(s.id for s in app.state.console.accounts.list() if s.login == "basia")
    for ticket in (first, second):
        ania.post(f"/console/tickets/{ticket.id}/claim", data={"csrf_token": token})
    moved = ania.post(
        f"/console/tickets/{first.id}/transfer", data={"to_staff": basia_id, "csrf_token": token}
    )
    assert "Zgłoszenie zostało przekazane." in moved.text
    assert tickets.get(first.id).claimed_by_name == "Basia"
    back = ania.post(f"/console/tickets/{second.id}/give-back", data={"csrf_token": token})
    assert "Rozmowa wróciła do asystenta." in back.text
    again = ania.post(f"/console/tickets/{second.id}/close", data={"csrf_token": token})
    assert again.status_code == 409 and "już zakończone" in again.text


def test_callbacks_listed_with_status_taken_and_marked_done(app, client_for) -> None:
    callbacks = app.state.console.callbacks
    request = callbacks.request(ContactKind.phone, "600 100 200", True, conversation_id=SESSION)
    client, token = logged_in(client_for, "ania")
    assert client.get("/console/api/queue").json()["new_callbacks"] == 1
    page = client.get("/console/callbacks").text
    assert "nowa" in page and "Biorę</button>" in page
    assert "Oznacz jako załatwioną" not in page  # nobody has called yet
    early = client.post(f"/console/callbacks/{request.id}/done", data={"csrf_token": token})
    assert early.status_code == 409 and "Najpierw proszę wziąć tę prośbę o kontakt." in early.text

    taken = client.post(f"/console/callbacks/{request.id}/take", data={"csrf_token": token})
    assert "Zajmuje się: Ania" in taken.text and "tel. 600 100 200" in taken.text
    assert "Biorę</button>" not in taken.text
    assert client.get("/console/api/queue").json()["new_callbacks"] == 0  # someone is on it
    done = client.post(f"/console/callbacks/{request.id}/done", data={"csrf_token": token})
    assert "oznaczona jako załatwiona" in done.text and "załatwiona<br>" in done.text
    assert "Zajmuje się: Ania" in done.text  # who dealt with it stays on the list
    assert callbacks.list()[0].status == CallbackStatus.done.value
    again = client.post(f"/console/callbacks/{request.id}/done", data={"csrf_token": token})
    assert again.status_code == 409 and "jest już załatwiona" in again.text


def test_a_supervisor_marks_done_a_call_back_nobody_took(app, client_for) -> None:
    callbacks = app.state.console.callbacks
    request = callbacks.request(ContactKind.email, "jan@example.com", True, conversation_id=SESSION)
    szef, token = logged_in(client_for, "szef")
    page = szef.get("/console/callbacks").text
    assert "Oznacz jako załatwioną" in page and "pokaże się po kliknięciu „Biorę”" not in page
    done = szef.post(f"/console/callbacks/{request.id}/done", data={"csrf_token": token})
    assert "oznaczona jako załatwiona" in done.text and "załatwiona</td>" in done.text


def test_topics_are_shown_with_their_polish_titles(app, client_for) -> None:
    app.state.console.tickets.open(SESSION, "web", "Pytanie", topic="support/family_assistant")
    worker, _ = logged_in(client_for, "ania")
    assert "Asystent rodzinny" in worker.get("/console/queue").text
    (row,) = worker.get("/console/api/queue").json()["tickets"]
    assert row["topic"] == "Asystent rodzinny"
