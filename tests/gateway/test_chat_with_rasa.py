"""The gateway in front of the real Rasa stack: round trips, quick replies, reconnection."""

from __future__ import annotations

import pytest

from tests.conftest import RasaStack
from tests.gateway.conftest import new_session, receive_until

pytestmark = pytest.mark.slow


def is_last_bot_reply(frame: dict) -> bool:
    """The typing indicator goes off after the last reply to a message."""
    return frame == {"type": "typing", "on": False}


def bot_texts(frames: list[dict]) -> str:
    return "\n".join(f["text"] for f in frames if f.get("role") == "bot")


@pytest.fixture
def client(make_client, rasa_stack: RasaStack):
    return make_client(rasa_url=rasa_stack.rasa_url)


def test_ready_when_rasa_has_its_model(client) -> None:
    assert client.get("/ready").json() == {"status": "ready", "rasa": "ok"}


def test_websocket_round_trip_and_a_quick_reply(client) -> None:
    session = new_session(client)
    with client.websocket_connect(f"/ws/{session}") as socket:
        socket.receive_json()  # the (empty) history
        socket.send_json({"type": "message", "text": "Dzień dobry"})
        frames = receive_until(socket, is_last_bot_reply)
        assert frames[0]["role"] == "user" and frames[0]["text"] == "Dzień dobry"
        assert "automatycznym asystentem" in bot_texts(frames)
        buttons = {b["title"]: b["payload"] for f in frames for b in f.get("buttons", [])}
        assert "Kontakt z MOPS" in buttons
        socket.send_json(
            {"type": "message", "text": "Kontakt z MOPS", "payload": buttons["Kontakt z MOPS"]}
        )
        frames = receive_until(socket, is_last_bot_reply)
        assert frames[0]["text"] == "Kontakt z MOPS"  # the resident sees the title, not "/intent"
        assert "12 616 54 08" in bot_texts(frames)


def test_http_round_trip(client) -> None:
    session = new_session(client)
    response = client.post(
        f"/api/sessions/{session}/messages", json={"text": "czy moge sie jeszcze zapisac do cogito"}
    )
    assert response.status_code == 200
    assert "nie można już" in bot_texts(response.json()["messages"])


def test_a_dropped_connection_gets_what_it_missed(client) -> None:
    session = new_session(client)
    with client.websocket_connect(f"/ws/{session}") as socket:
        socket.receive_json()
        socket.send_json({"type": "message", "text": "Dzień dobry"})
        frames = receive_until(socket, lambda f: f.get("role") == "bot")
        seen = max(f["seq"] for f in frames if "seq" in f)
    # the connection is gone; meanwhile the conversation goes on (another tab, staff)
    client.post(f"/api/sessions/{session}/messages", json={"text": "Jak mogę dostać COGITO?"})
    with client.websocket_connect(f"/ws/{session}?after={seen}") as socket:
        missed = socket.receive_json()["messages"]
    assert missed[0]["text"] == "Jak mogę dostać COGITO?"
    assert all(m["seq"] > seen for m in missed) and bot_texts(missed)


def test_history_survives_a_gateway_restart(make_client, rasa_stack: RasaStack) -> None:
    first = make_client(rasa_url=rasa_stack.rasa_url)
    session = new_session(first)
    first.post(
        f"/api/sessions/{session}/messages",
        json={"text": "Kontakt z MOPS", "payload": "/contact_info"},
    )
    restarted = make_client(rasa_url=rasa_stack.rasa_url)  # knows nothing, asks Rasa's tracker
    history = restarted.get(f"/api/sessions/{session}/messages").json()["messages"]
    assert history[0] == {**history[0], "role": "user", "text": "Kontakt z MOPS"}
    assert "12 616 54 08" in bot_texts(history)
