"""Messenger in tests: a local fake of the Graph (Send) API and signed webhook calls."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Union

import requests
from fastapi.testclient import TestClient

if TYPE_CHECKING:  # conftest imports this module
    from tests.conftest import RasaStack
    from tests.gateway.outage import OutageStack


class FakeGraph(ThreadingHTTPServer):
    """Records every Send API call of the Rasa process."""

    calls: list[dict]


class GraphHandler(BaseHTTPRequestHandler):
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


WEBHOOK = "/webhooks/facebook/webhook"
# Where a webhook call goes: Rasa's channel itself (a stack), the gateway in front of it (its URL),
# or the gateway in this process (Starlette's TestClient).
Receiver = Union["RasaStack", "OutageStack", str, "TestClient"]


def webhook(stack: RasaStack | OutageStack | str) -> str:
    """The webhook's URL: Rasa's channel for a stack, or the gateway's at a base URL."""
    return f"{stack if isinstance(stack, str) else stack.rasa_url}{WEBHOOK}"


def deliver(to: Receiver, body: bytes, headers: dict[str, str]) -> int:
    """One webhook call as Meta makes it; the HTTP status it got."""
    if isinstance(to, TestClient):
        return to.post(WEBHOOK, content=body, headers=headers).status_code
    return requests.post(webhook(to), data=body, headers=headers, timeout=60).status_code


def now_ms() -> int:
    """A webhook's `timestamp`: when the message was sent, in milliseconds (older is stale)."""
    return int(time.time() * 1000)


def event(sender: str, message: dict) -> bytes:
    """A webhook call as Meta sends it for one message."""
    entry = {"sender": {"id": sender}, "recipient": {"id": "page-1"}, "timestamp": now_ms()}
    entry |= message
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


def post(to: Receiver, sender: str, text: str, payload: str | None = None) -> None:
    """The resident writes (or taps a quick reply with `payload`) in Messenger."""
    message: dict = {"mid": f"m-{uuid.uuid4().hex}", "text": text}  # each message its own id
    if payload:
        message["quick_reply"] = {"payload": payload}
    body = event(sender, {"message": message})
    status = deliver(to, body, signed(body))
    assert status == 200, status


def said_to(graph: FakeGraph, sender: str) -> list[str]:
    """The texts sent to a resident: plain messages and button templates alike."""
    return [
        m.get("text") or ((m.get("attachment") or {}).get("payload") or {}).get("text") or ""
        for m in messages_to(graph, sender)
    ]
