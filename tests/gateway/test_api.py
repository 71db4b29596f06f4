"""The gateway without Rasa: health, limits, bad input, CORS, push and Rasa being down."""

from __future__ import annotations

import pytest
from starlette.websockets import WebSocketDisconnect

from bot.gateway.config import Rate
from tests.gateway.conftest import INFO_PHONE, new_session, receive_until


def test_health_answers_while_rasa_is_down_and_ready_says_not_ready(make_client) -> None:
    client = make_client()
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready")
    assert ready.status_code == 503 and ready.json()["rasa"] == "unavailable"


def test_rasa_down_gives_a_polite_answer_with_the_information_point(make_client) -> None:
    client = make_client()
    session = new_session(client)
    response = client.post(f"/api/sessions/{session}/messages", json={"text": "Dzień dobry"})
    assert response.status_code == 200
    user, bot = response.json()["messages"]
    assert user["text"] == "Dzień dobry" and user["role"] == "user"
    assert "spróbować ponownie" in bot["text"] and INFO_PHONE in bot["text"]
    assert "do@mops.krakow.pl" in bot["text"] and "Józefińska 14" in bot["text"]
    # nothing crashed: the gateway still answers and kept the conversation
    history = client.get(f"/api/sessions/{session}/messages").json()["messages"]
    assert [m["seq"] for m in history] == [1, 2]


def test_rasa_down_over_the_websocket_too(make_client) -> None:
    client = make_client()
    with client.websocket_connect(f"/ws/{new_session(client)}") as socket:
        assert socket.receive_json() == {"type": "history", "reset": False, "messages": []}
        socket.send_json({"type": "message", "text": "Halo"})
        frames = receive_until(socket, lambda f: f.get("role") == "bot")
        assert INFO_PHONE in frames[-1]["text"]
        assert {"type": "typing", "on": True} in frames


def test_an_oversize_message_is_refused_in_polish_and_handed_back(make_client) -> None:
    client = make_client(max_message_chars=50)
    session = new_session(client)
    long_text = "a" * 51
    response = client.post(f"/api/sessions/{session}/messages", json={"text": long_text})
    assert response.status_code == 413
    assert "za długa" in response.json()["refused"]["text"]
    with client.websocket_connect(f"/ws/{session}") as socket:
        socket.receive_json()
        socket.send_json({"type": "message", "text": long_text})
        refused = socket.receive_json()
        assert refused["type"] == "refused" and refused["draft"] == long_text
        assert "51 znaków" in refused["text"]
    assert client.get(f"/api/sessions/{session}/messages").json()["messages"] == []


def test_huge_bodies_are_refused_before_reading(make_client) -> None:
    client = make_client()
    session = new_session(client)
    body = '{"text": "' + "x" * 100_000 + '"}'
    response = client.post(
        f"/api/sessions/{session}/messages",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_bad_json_gets_a_polish_error_and_the_socket_stays_open(make_client) -> None:
    client = make_client()
    session = new_session(client)
    response = client.post(
        f"/api/sessions/{session}/messages",
        content="{nie json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "Nie udało się odczytać" in response.json()["refused"]["text"]
    with client.websocket_connect(f"/ws/{session}") as socket:
        socket.receive_json()
        for frame in ("{nie json", "[1, 2]", '{"type": "message", "text": 5}', '{"type": "x"}'):
            socket.send_text(frame)
            assert socket.receive_json()["type"] == "error"
        socket.send_json({"type": "ping"})
        assert socket.receive_json() == {"type": "pong"}


def test_session_rate_limit_refuses_with_the_wait_and_loses_nothing(make_client) -> None:
    client = make_client(session_rate=Rate(2, 60))
    session = new_session(client)
    url = f"/api/sessions/{session}/messages"
    for text in ("jeden", "dwa"):
        assert client.post(url, json={"text": text}).status_code == 200
    refused = client.post(url, json={"text": "trzy"})
    assert refused.status_code == 429
    body = refused.json()["refused"]
    assert body["reason"] == "rate_limited" and 0 < body["retry_after"] <= 60
    assert "odczekać" in body["text"]
    with client.websocket_connect(f"/ws/{session}") as socket:
        socket.receive_json()
        socket.send_json({"type": "message", "text": "cztery"})
        frame = socket.receive_json()
        assert frame["type"] == "refused" and frame["draft"] == "cztery"
    # another resident is not affected by this one's limit
    other = new_session(client)
    assert client.post(f"/api/sessions/{other}/messages", json={"text": "hej"}).status_code == 200


def test_ip_rate_limit_spans_sessions(make_client) -> None:
    client = make_client(ip_rate=Rate(3, 60))
    codes = [
        client.post(f"/api/sessions/{new_session(client)}/messages", json={"text": "hej"})
        for _ in range(4)
    ]
    assert [c.status_code for c in codes] == [200, 200, 200, 429]


def test_cors_allows_the_mops_domains_only(make_client) -> None:
    client = make_client()
    preflight = {"Access-Control-Request-Method": "POST"}
    allowed = client.options(
        "/api/sessions", headers={"Origin": "https://www.mops.krakow.pl", **preflight}
    )
    assert allowed.headers["access-control-allow-origin"] == "https://www.mops.krakow.pl"
    foreign = {"Origin": "https://evil.example", **preflight}
    refused = client.options("/api/sessions", headers=foreign)
    assert "access-control-allow-origin" not in refused.headers


def test_websocket_from_a_foreign_page_or_with_a_bad_session_is_closed(make_client) -> None:
    client = make_client()
    session = new_session(client)
    foreign = {"Origin": "https://evil.example"}
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect(f"/ws/{session}", headers=foreign),
    ):
        pass
    assert closed.value.code == 1008
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/ws/short"):
        pass
    with client.websocket_connect(f"/ws/{session}", headers={"Origin": "https://mops.krakow.pl"}):
        pass


def test_a_workers_message_reaches_the_open_chat_and_a_reconnecting_one(make_client) -> None:
    client = make_client()
    session = new_session(client)

    def worker_says(text: str) -> None:  # what the console's delivery does in-process
        entry = {"role": "bot", "text": text, "buttons": [], "author": "Ania"}
        client.portal.call(client.app.state.hub.publish, session, entry)

    with client.websocket_connect(f"/ws/{session}") as socket:
        socket.receive_json()
        worker_says("Tu pracownik MOPS.")
        frame = socket.receive_json()
        assert frame["type"] == "message" and frame["text"] == "Tu pracownik MOPS."
        seen = frame["seq"]
    # while the widget is away, another message comes; on reconnection it gets only what it missed
    worker_says("Czy mogę pomóc?")
    with client.websocket_connect(f"/ws/{session}?after={seen}") as socket:
        history = socket.receive_json()
        assert [m["text"] for m in history["messages"]] == ["Czy mogę pomóc?"]
    # a widget that remembers more than the gateway (it restarted) gets everything again
    with client.websocket_connect(f"/ws/{session}?after=99") as socket:
        history = socket.receive_json()
        assert history["reset"] and len(history["messages"]) == 2


def test_demo_page_has_the_widget_and_the_information_point(make_client) -> None:
    client = make_client()
    page = client.get("/").text
    assert '<script src="/widget.js"' in page and 'lang="pl"' in page
    assert INFO_PHONE in page and "ul. Józefińska 14, 30-529 Kraków" in page
    assert "{{" not in page
    script = client.get("/widget.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert client.get("/static/widget.css").status_code == 200
    config = client.get("/api/config").json()
    assert config["information_point"]["phone"] == INFO_PHONE
