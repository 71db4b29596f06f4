"""Who a web conversation is: ids that only the gateway issues, in their own namespace.

The web chat's ids are Rasa's sender ids, like Messenger's page-scoped ids (PSIDs). A client that
could name any id could read a Messenger user's conversation through the web API, or write into
it (after which Rasa would send the worker's replies to the web channel instead of Messenger).
A recording stand-in for Rasa's HTTP API holds a tracker with a phone number for every sender,
so a leak would show; it also records every sender id the gateway asked about.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from bot.app import create_app
from bot.gateway.config import Settings
from bot.gateway.sessions import SessionIds
from bot.storage.models import Role
from tests.console.conftest import migrated_url
from tests.console.test_web import PASSWORD, csrf_of
from tests.fake_rasa import ANSWER, PHONE, PSID, FakeRasa, fake_rasa
from tests.gateway.conftest import new_session

rasa = fake_rasa  # the fixture, under the name the tests use


@pytest.fixture
def gateway(
    rasa: FakeRasa, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setenv("CONSOLE_DATABASE_URL", migrated_url(tmp_path))
    monkeypatch.setenv("CONSOLE_SECRET_KEY", "test-secret")
    app = create_app(Settings(rasa_url=rasa.url))
    app.state.console.accounts.create("ania", "Ania", Role.worker, PASSWORD, actor=None)
    with TestClient(app) as client:
        yield client


def forged_ids(issued: str) -> list[str]:
    """Ids a client might choose: a Messenger user's, an old-style token, lookalikes."""
    random_part, mac = issued.removeprefix("web:").split(".")
    return [
        PSID,
        "resident-session-000001",  # the shape web ids had before
        "A" * 32,
        f"web:{PSID}",
        f"web:{random_part}",  # without the server's signature
        f"web:{random_part}.{'A' * 22}",  # with a wrong one
        f"web:{'B' * 32}.{mac}",  # another random part under a real signature
        f"web:{random_part}.{mac}x",
    ]


def test_ids_are_issued_in_their_own_namespace_and_survive_a_restart(
    gateway: TestClient, rasa: FakeRasa
) -> None:
    session = new_session(gateway)
    assert session.startswith("web:") and session != new_session(gateway)
    assert (
        gateway.post(f"/api/sessions/{session}/messages", json={"text": "Hej"}).status_code == 200
    )

    restarted = TestClient(create_app(Settings(rasa_url=rasa.url)))  # the same key: same ids
    with restarted:
        history = restarted.get(f"/api/sessions/{session}/messages")
        assert history.status_code == 200 and history.json()["messages"]
    assert not SessionIds(key=b"another gateway's key").match(session)


def test_a_messenger_psid_or_any_self_chosen_id_gets_404_and_no_data(
    gateway: TestClient, rasa: FakeRasa
) -> None:
    for forged in forged_ids(new_session(gateway)):
        read = gateway.get(f"/api/sessions/{forged}/messages")
        assert read.status_code == 404, forged
        assert PHONE not in read.text and "messages" not in read.json()
        written = gateway.post(f"/api/sessions/{forged}/messages", json={"text": "Dzień dobry"})
        assert written.status_code == 404, forged
        assert "messages" not in written.json()
        with pytest.raises(WebSocketDisconnect), gateway.websocket_connect(f"/ws/{forged}") as ws:
            ws.receive_json()
    assert not {PSID, "resident-session-000001"} & rasa.senders()
    assert all(sender.startswith("web:") for sender in rasa.senders())


def test_worker_replies_reach_messenger_after_a_web_client_tried_the_psid(
    gateway: TestClient, rasa: FakeRasa
) -> None:
    console = gateway.app.state.console
    messenger = console.tickets.open(PSID, "facebook", "Pomoc z czynszem")
    web_session = new_session(gateway)
    web = console.tickets.open(web_session, "web", "Pomoc z zasiłkiem")
    refused = gateway.post(f"/api/sessions/{PSID}/messages", json={"text": "przejmuję"})
    assert refused.status_code == 404

    worker = TestClient(gateway.app)
    worker.portal = gateway.portal
    token = csrf_of(worker.get("/console/login").text)
    worker.post("/console/login", data={"login": "ania", "password": PASSWORD, "csrf_token": token})
    token = csrf_of(worker.get("/console/queue").text)
    with gateway.websocket_connect(f"/ws/{web_session}") as socket:
        assert socket.receive_json()["type"] == "history"
        for ticket in (messenger, web):
            worker.post(f"/console/tickets/{ticket.id}/claim", data={"csrf_token": token})
            sent = worker.post(
                f"/console/tickets/{ticket.id}/reply",
                data={"text": f"Odpowiedź #{ticket.id}", "csrf_token": token},
            )
            assert "Wiadomość została wysłana." in sent.text
        frames = [socket.receive_json() for _ in range(2)]  # „dołączył(a)” and the reply
    assert frames[-1]["text"] == f"Odpowiedź #{web.id}"

    appended = [(path, body) for method, path, body in rasa.requests if "/tracker/events" in path]
    to_messenger = [path for path, _ in appended if f"/conversations/{PSID}/" in path]
    assert to_messenger and all("output_channel=latest" in path for path in to_messenger)
    to_web = [path for path, _ in appended if "/conversations/web" in path]
    assert to_web and not any("output_channel" in path for path in to_web)
    # Rasa never got a web (REST) message for the Messenger user
    assert not [
        b for _m, p, b in rasa.requests if p.startswith("/webhooks") and b["sender"] == PSID
    ]


@pytest.mark.slow
def test_the_widget_with_a_stored_id_the_gateway_refuses_starts_a_new_conversation(
    rasa: FakeRasa, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An id kept in localStorage from before (or altered) leads to one fresh conversation that
    answers, not to an endless reconnection loop."""
    from tests.browser import CHROMIUM, FLAGS, expect_text, require, served
    from tests.conftest import ARTIFACTS

    require()
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("CONSOLE_DATABASE_URL", migrated_url(tmp_path))
    app = create_app(Settings(rasa_url=rasa.url))
    with served(app) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(locale="pl-PL")
        sockets: list[str] = []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        page.goto(url)
        stale = {"session": "resident-session-000001", "open": True}
        page.evaluate(
            "([key, state]) => localStorage.setItem(key, JSON.stringify(state))",
            [f"mops-chat:{url}", stale],
        )
        page.reload()
        log = page.get_by_role("log", name="Rozmowa z asystentem")
        page.get_by_label("Wiadomość", exact=True).fill("Dzień dobry")
        page.get_by_label("Wiadomość", exact=True).press("Enter")
        expect_text(log, ANSWER)  # the (stand-in) assistant's
        page.wait_for_timeout(3000)  # a loop would keep opening sockets meanwhile
        shots = ARTIFACTS / "gateway"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=shots / "stale-session-id.png")
        stored = page.evaluate(f"JSON.parse(localStorage.getItem('mops-chat:{url}')).session")
        browser.close()
    assert stored.startswith("web:") and app.state.hub.since(stored, 0)
    assert len(sockets) == 2, sockets  # the refused one, then the new conversation's
    assert "resident-session-000001" not in rasa.senders()
