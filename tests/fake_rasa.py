"""A stand-in for Rasa's HTTP API as the gateway uses it, recording every request.

Every tracker holds a message with a phone number (so a conversation leaking through the web API
would show), the REST channel answers every message with `ANSWER` (nothing in a `paused`
conversation, as Rasa while a worker has it), the rest answers `{}`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

import pytest

PSID = "2718281828459045"  # a Messenger user's page-scoped id
PHONE = "600 700 800"  # what that user told the assistant
SAID_TO_EVERYONE = f"Proszę o kontakt pod numerem {PHONE}"
ANSWER = "Odpowiedź asystenta."


@dataclass
class FakeRasa:
    """Rasa's HTTP API as the gateway uses it, recording every request."""

    url: str = ""
    requests: list[tuple[str, str, dict]] = field(default_factory=list)
    paused: set[str] = field(default_factory=set)  # handed over: Rasa stays silent

    def senders(self) -> set[str]:
        """Every conversation the gateway asked Rasa about or wrote into."""
        found = set()
        for _method, path, body in self.requests:
            parts = urlsplit(path).path.split("/")
            if len(parts) > 2 and parts[1] == "conversations":
                found.add(unquote(parts[2]))
            if body.get("sender"):
                found.add(body["sender"])
        return found


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    """A stand-in for Rasa on a free loopback port, for the test's duration."""
    fake = FakeRasa()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, data: object) -> None:
            body = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _record(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else {}
            fake.requests.append((self.command, self.path, body if isinstance(body, dict) else {}))
            return body if isinstance(body, dict) else {}

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._record()
            if "/tracker" in self.path:
                self._answer(
                    {"paused": False, "events": [{"event": "user", "text": SAID_TO_EVERYONE}]}
                )
            else:
                self._answer({"model_id": "fake"})

        def do_POST(self) -> None:  # noqa: N802
            body = self._record()
            if self.path.startswith("/webhooks/rest/webhook"):
                sender = body.get("sender")
                answer = [] if sender in fake.paused else [{"recipient_id": sender, "text": ANSWER}]
                self._answer(answer)
            else:
                self._answer({})

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
