"""Messenger against the real Rasa webhook; outgoing Graph API calls land in a local fake."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.conftest import FAKE_GRAPH_PORT, RasaStack

pytestmark = pytest.mark.slow


class FakeGraph(ThreadingHTTPServer):
    """Records every Send API call of the Rasa process."""

    calls: list[dict]


class _Handler(BaseHTTPRequestHandler):
    server: FakeGraph

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.calls.append({"path": self.path, **json.loads(body or b"{}")})
        answer = json.dumps({"recipient_id": "x", "message_id": "mid.1"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def graph() -> Iterator[FakeGraph]:
    server = FakeGraph(("127.0.0.1", FAKE_GRAPH_PORT), _Handler)
    server.calls = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def webhook(stack: RasaStack) -> str:
    return f"{stack.rasa_url}/webhooks/facebook/webhook"


def event(sender: str, message: dict) -> bytes:
    """A webhook call as Meta sends it for one message."""
    entry = {"sender": {"id": sender}, "recipient": {"id": "page-1"}, "timestamp": 1, **message}
    body = {"object": "page", "entry": [{"id": "page-1", "time": 1, "messaging": [entry]}]}
    return json.dumps(body, ensure_ascii=False).encode()


def signed(body: bytes, secret: str | None = None) -> dict[str, str]:
    secret = secret or os.environ["FACEBOOK_APP_SECRET"]
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}


def calls_to(graph: FakeGraph, sender: str) -> list[dict]:
    return [c for c in graph.calls if c.get("recipient", {}).get("id") == sender]


def messages_to(graph: FakeGraph, sender: str) -> list[dict]:
    return [c["message"] for c in calls_to(graph, sender) if "message" in c]


def test_verification_handshake(rasa_stack: RasaStack) -> None:
    params = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
    token = os.environ["FACEBOOK_VERIFY_TOKEN"]
    ok = requests.get(webhook(rasa_stack), params={**params, "hub.verify_token": token})
    assert ok.status_code == 200 and ok.text == "1158201444"
    wrong = requests.get(webhook(rasa_stack), params={**params, "hub.verify_token": "zly"})
    assert wrong.status_code == 403 and "1158201444" not in wrong.text


def test_a_signed_message_is_answered_with_quick_replies(rasa_stack, graph) -> None:
    sender = f"fb-{uuid.uuid4().hex[:8]}"
    body = event(sender, {"message": {"mid": "m1", "text": "Dzień dobry"}})
    response = requests.post(webhook(rasa_stack), data=body, headers=signed(body), timeout=60)
    assert response.status_code == 200
    actions = [c["sender_action"] for c in calls_to(graph, sender) if "sender_action" in c]
    assert actions[:2] == ["mark_seen", "typing_on"] and actions[-1] == "typing_off"
    sent = messages_to(graph, sender)
    assert "automatycznym asystentem" in " ".join(m.get("text", "") for m in sent)
    replies = [q for m in sent for q in m.get("quick_replies", [])]
    assert 3 < len(replies) <= 13  # the menu is longer than a template's 3 buttons
    assert all(len(q["title"]) <= 20 for q in replies)
    assert all(len(m.get("text", "")) <= 2000 for m in sent)
    contact = next(q for q in replies if q["title"] == "Kontakt z MOPS")

    # the resident taps a quick reply: Messenger sends its payload back
    body = event(sender, {"message": {"mid": "m2", "text": "Kontakt z MOPS",
                                      "quick_reply": {"payload": contact["payload"]}}})  # fmt: skip
    requests.post(webhook(rasa_stack), data=body, headers=signed(body), timeout=60)
    answer = json.dumps(messages_to(graph, sender)[len(sent) :], ensure_ascii=False)
    assert "12 616 54 08" in answer


@pytest.mark.parametrize("how", ["wrong secret", "unsigned", "tampered"])
def test_a_wrongly_signed_or_unsigned_message_is_rejected_and_unanswered(
    rasa_stack, graph, how: str
) -> None:
    sender = f"fb-{uuid.uuid4().hex[:8]}"
    body = event(sender, {"message": {"mid": "m1", "text": "Dzień dobry"}})
    headers = {
        "wrong secret": signed(body, "nie-ten-sekret"),
        "unsigned": {"Content-Type": "application/json"},
        "tampered": signed(body.replace(b"Dzie", b"Dzia")),
    }[how]
    response = requests.post(webhook(rasa_stack), data=body, headers=headers, timeout=60)
    assert response.status_code == 403
    time.sleep(0.5)
    assert not calls_to(graph, sender)
    tracker = requests.get(
        f"{rasa_stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": os.environ["RASA_AUTH_TOKEN"]},
        timeout=10,
    )
    assert not [e for e in tracker.json()["events"] if e["event"] == "user"]
