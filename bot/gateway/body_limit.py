"""A byte limit on the request bodies the gateway actually receives, chunked or not.

A Content-Length over the limit is refused before reading; a body without one (chunked) is read
only up to the limit and refused as soon as it goes over, so nothing of it reaches an endpoint.
A JSON body that is not valid UTF-8 is refused here too, in Polish, instead of FastAPI's English
"There was an error parsing the body". Pure ASGI: the body is buffered (at most the limit) and
handed on unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOO_LONG = "Wiadomość jest za długa."
UNREADABLE = "Nie udało się odczytać wiadomości (nieprawidłowe kodowanie znaków)."


async def _refuse(send: Send, status: int, reason: str, text: str) -> None:
    body = json.dumps({"refused": {"reason": reason, "text": text}}, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse (413) any HTTP request body over `max_bytes`; refuse (400) JSON that is not UTF-8.

    `wider` gives some paths their own limit: Meta batches many residents' messages in one
    webhook call, and a refused call is lost for all of them.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, wider: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.wider = wider or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.wider.get(scope.get("path", ""), self.max_bytes)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > limit:
            await _refuse(send, 413, "too_long", TOO_LONG)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _refuse(send, 413, "too_long", TOO_LONG)
                return
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        if b"json" in headers.get(b"content-type", b""):
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                await _refuse(send, 400, "unreadable", UNREADABLE)
                return
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The buffered body once, then whatever the client sends next (a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
