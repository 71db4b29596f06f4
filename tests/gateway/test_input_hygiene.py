"""Input hygiene at every entrance: unreadable text, byte limits, no forced intents.

Fast tests with Rasa down (what is refused never reaches it), then the real Rasa for what it would
have done with a typed "/intent" or a payload no button offered, over the web chat and Messenger.
"""

from __future__ import annotations

import json
import uuid

import pytest
import requests

from bot.gateway.hygiene import UNREADABLE_TEXT
from tests.conftest import RasaStack
from tests.fake_graph import FakeGraph, messages_to, now_ms, post, signed, webhook
from tests.gateway.conftest import new_session, receive_until

SURROGATE_BODY = b'{"text": "Dzie\\u0144 dobry \\ud800"}'  # valid JSON, not valid text
APOLOGY = "asystent jest w tej chwili niedostępny"


def history(client, session: str) -> list[dict]:
    response = client.get(f"/api/sessions/{session}/messages")
    assert response.status_code == 200
    return response.json()["messages"]


def send_raw(client, session: str, body: bytes | object) -> requests.Response:
    return client.post(
        f"/api/sessions/{session}/messages",
        content=body,
        headers={"Content-Type": "application/json"},
    )


# ---- row 2: unpaired surrogates and other unreadable text ----------------------------------------


def test_an_unpaired_surrogate_is_refused_in_polish_and_breaks_nothing(make_client) -> None:
    client = make_client()
    session = new_session(client)
    response = send_raw(client, session, SURROGATE_BODY)
    assert response.status_code == 400
    assert response.json()["refused"]["text"] == UNREADABLE_TEXT
    assert history(client, session) == []  # never stored
    payload = {"text": "Kontakt", "payload": "/contact_info\ud800"}
    assert send_raw(client, session, json.dumps(payload).encode()).status_code == 400
    # the conversation goes on: a later message, the history, a WebSocket reconnect
    assert (
        client.post(f"/api/sessions/{session}/messages", json={"text": "Halo"}).status_code == 200
    )
    assert [m["text"] for m in history(client, session) if m["role"] == "user"] == ["Halo"]
    with client.websocket_connect(f"/ws/{session}") as socket:
        assert len(socket.receive_json()["messages"]) == 2
        socket.send_text('{"type": "message", "text": "a\\udfffb"}')
        refused = socket.receive_json()
        assert refused["type"] == "refused" and refused["reason"] == "unreadable"
        assert refused["draft"] == "a\ufffdb"  # handed back, readable
        socket.send_json({"type": "message", "text": "Dzień dobry"})
        frames = receive_until(socket, lambda f: f.get("role") == "bot")
        assert frames[0]["text"] == "Dzień dobry"
    assert len(history(client, session)) == 4


@pytest.mark.parametrize("text", ["\x00", "ala\x1bma kota", "zasiłek\x7f", "\u0085"])
def test_control_characters_are_refused(make_client, text: str) -> None:
    client = make_client()
    session = new_session(client)
    response = client.post(f"/api/sessions/{session}/messages", json={"text": text})
    assert response.status_code == 400 and response.json()["refused"]["reason"] == "unreadable"
    assert history(client, session) == []


def test_text_that_is_not_utf8_is_refused_in_polish(make_client) -> None:
    client = make_client()
    session = new_session(client)
    response = send_raw(client, session, b'{"text": "Dzie\xf1 dobry"}')
    assert response.status_code == 400 and "odczytać" in response.json()["refused"]["text"]
    assert history(client, session) == []


# ---- row 3: byte limits on what is actually received ---------------------------------------------


def test_a_chunked_two_megabyte_body_is_refused_and_nothing_stored(make_client) -> None:
    client = make_client()
    session = new_session(client)

    def chunks():  # no Content-Length: the body is sent chunked
        yield b'{"text": "'
        for _ in range(200):
            yield b"a" * 10_000
        yield b'", "payload": "/contact_info"}'

    response = send_raw(client, session, chunks())
    assert response.status_code == 413 and "za długa" in response.json()["refused"]["text"]
    assert history(client, session) == []


def test_payload_is_limited_like_the_text(make_client) -> None:
    client = make_client()
    session = new_session(client)
    long_payload = {"text": "Kontakt z MOPS", "payload": "/contact_info" + "x" * 5000}
    response = client.post(f"/api/sessions/{session}/messages", json=long_payload)
    assert response.status_code == 413
    with client.websocket_connect(f"/ws/{session}") as socket:
        socket.receive_json()
        socket.send_json({"type": "message", "text": "a" * 60_000, "payload": "x"})  # 60 kB
        assert socket.receive_json()["reason"] == "too_long"
        socket.send_json({"type": "message", "text": "ą" * 40_000})  # 80 kB in one frame
        assert socket.receive_json()["reason"] == "too_long"
        socket.send_json({"type": "ping"})  # still open
        assert socket.receive_json() == {"type": "pong"}
    assert history(client, session) == []


# ---- row 10: residents cannot force intents ------------------------------------------------------


def tracker(stack: RasaStack, sender: str) -> dict:
    return stack.tracker(sender)


def last_user_event(stack: RasaStack, sender: str) -> dict:
    return [e for e in tracker(stack, sender)["events"] if e["event"] == "user"][-1]


def forced(user_event: dict, intent: str) -> bool:
    """Rasa's "/intent" shortcut sets the intent with confidence exactly 1.0."""
    parsed = user_event["parse_data"]["intent"]
    return parsed["name"] == intent and parsed["confidence"] == 1.0


@pytest.fixture
def chat(make_client, rasa_stack: RasaStack):
    return make_client(rasa_url=rasa_stack.rasa_url)


SLASH_MESSAGES = [
    ("/request_human", "request_human"),
    ('/inform_district{"district":"XII"}', "inform_district"),
    ("/crisis_suicide", "crisis_suicide"),
    ("/restart", "restart"),
    ("/back", "back"),
    ("/pora", "pora"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("typed", "intent"), SLASH_MESSAGES)
def test_typed_slash_commands_are_plain_text_with_a_normal_answer(
    chat, rasa_stack: RasaStack, typed: str, intent: str
) -> None:
    session = new_session(chat)
    response = chat.post(f"/api/sessions/{session}/messages", json={"text": typed})
    assert response.status_code == 200
    user, *answers = response.json()["messages"]
    assert user["text"] == typed and answers  # the resident sees what they typed, and an answer
    assert all(APOLOGY not in a["text"] for a in answers)
    event = last_user_event(rasa_stack, session)
    assert not forced(event, intent)
    assert event["metadata"]["shown"] == typed  # staff see exactly what was typed
    assert tracker(rasa_stack, session)["slots"].get("district") != "XII"


@pytest.mark.slow
def test_a_payload_counts_only_for_a_button_the_assistant_offered(
    chat, rasa_stack: RasaStack
) -> None:
    session = new_session(chat)
    url = f"/api/sessions/{session}/messages"
    # nothing offered yet: the text goes as typed, the payload is ignored
    chat.post(url, json={"text": "Dzień dobry", "payload": "/request_human"})
    first = last_user_event(rasa_stack, session)
    assert first["text"] == "Dzień dobry" and not forced(first, "request_human")
    menu = [m for m in history(chat, session) if m["role"] == "bot" and m["buttons"]][-1]
    contact = next(b for b in menu["buttons"] if b["title"] == "Kontakt z MOPS")
    # a real click: the offered payload with its title
    answers = chat.post(url, json={"text": contact["title"], "payload": contact["payload"]})
    assert "12 616 54 08" in json.dumps(answers.json(), ensure_ascii=False)
    clicked = last_user_event(rasa_stack, session)
    assert clicked["text"] == contact["payload"]
    assert clicked["metadata"]["shown"] == "Kontakt z MOPS"
    # an offered payload under other words: staff would see one thing and Rasa get another
    chat.post(url, json={"text": "Chcę się zabić", "payload": contact["payload"]})
    mismatched = last_user_event(rasa_stack, session)
    assert mismatched["text"] == "Chcę się zabić"
    assert mismatched["parse_data"]["intent"]["name"] != "contact_info"


# ---- Messenger: the same rules inside Rasa's channel --------------------------------------------


def post_raw(to: RasaStack | str, body: bytes) -> requests.Response:
    return requests.post(webhook(to), data=body, headers=signed(body), timeout=60)


def user_texts(stack: RasaStack, sender: str) -> list[str]:
    return [
        str((e.get("metadata") or {}).get("shown") or e["text"])
        for e in tracker(stack, sender)["events"]
        if e["event"] == "user"
    ]


@pytest.mark.slow
@pytest.mark.parametrize("receiver", ["gateway", "rasa"])
def test_messenger_refuses_unreadable_text_politely_and_stores_nothing(
    rasa_stack: RasaStack, gateway_url: str, graph: FakeGraph, receiver: str
) -> None:
    """Meta's calls come to the gateway, which hands them on; Rasa's channel refuses too."""
    to = gateway_url if receiver == "gateway" else rasa_stack
    sender = f"fb-{uuid.uuid4().hex[:8]}"
    entry = {"sender": {"id": sender}, "recipient": {"id": "page-1"}, "timestamp": now_ms()}
    entry["message"] = {"mid": "m-bad", "text": "zasi\ud800ek"}
    call = {"object": "page", "entry": [{"id": "page-1", "time": 1, "messaging": [entry]}]}
    body = json.dumps(call).encode()  # ASCII-escaped: valid JSON with a lone surrogate
    response = post_raw(to, body)
    assert response.status_code == 200
    assert messages_to(graph, sender)[-1]["text"] == UNREADABLE_TEXT
    assert user_texts(rasa_stack, sender) == []
    broken = post_raw(to, b'{"object": "page", "entry": [\xff]}')
    assert broken.status_code < 500
    post(to, sender, "Dzień dobry")  # the conversation goes on
    assert user_texts(rasa_stack, sender) == ["Dzień dobry"]


@pytest.mark.slow
def test_messenger_typed_slash_commands_and_unoffered_payloads_are_plain_text(
    rasa_stack: RasaStack, graph: FakeGraph
) -> None:
    sender = f"fb-{uuid.uuid4().hex[:8]}"
    post(rasa_stack, sender, "/request_human")
    assert not forced(last_user_event(rasa_stack, sender), "request_human")
    post(rasa_stack, sender, "hej", payload="/crisis_suicide")  # no such quick reply was offered
    assert not forced(last_user_event(rasa_stack, sender), "crisis_suicide")
    assert user_texts(rasa_stack, sender) == ["/request_human", "hej"]  # what staff see
    sent = [m.get("text") or "" for m in messages_to(graph, sender)]
    assert len(sent) >= 2 and not any("800 70 2222" in text for text in sent)
