"""One WebSocket per open chat: history on connect, then live messages both ways.

The connection is what lets a message reach the resident without the resident writing first.
Frames from the widget: {"type": "message", "text", "payload"?} and {"type": "ping"}. Frames to
it: "history", "message", "typing", "refused", "error", "pong".

A frame is limited in bytes as received (uvicorn's ws_max_size does that in production; the check
here holds whatever the server), and what goes back never carries unreadable characters.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any
from urllib.parse import urlsplit

from fastapi import WebSocket, WebSocketDisconnect

from bot.gateway.chat import ChatService
from bot.gateway.hygiene import printable
from bot.gateway.sessions import SESSION_ID

log = logging.getLogger("bot.gateway.websocket")
POLICY_VIOLATION = 1008
_UNREADABLE = "Nie udało się odczytać wiadomości. Proszę spróbować ponownie."
MAX_FRAME_BYTES = 64 * 1024  # as the HTTP body limit and uvicorn's ws_max_size
_TOO_LONG = {"reason": "too_long", "text": "Wiadomość jest za długa."}


def origin_allowed(origin: str | None, host: str | None, allowed: tuple[str, ...]) -> bool:
    """Browsers send Origin; a page on the allow-list or on the gateway itself may connect."""
    if not origin:
        return True  # not a browser (apps, tests); CORS does not apply to them either
    return origin in allowed or urlsplit(origin).netloc == (host or "")


def decode(raw: str) -> dict[str, Any] | None:
    """A frame as a dict, or None when it is not a JSON object."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


async def serve_websocket(
    socket: WebSocket, session: str, after: int, chat: ChatService, origins: tuple[str, ...]
) -> None:
    """Serve one connection until the widget closes it."""
    if not SESSION_ID.match(session) or not origin_allowed(
        socket.headers.get("origin"), socket.headers.get("host"), origins
    ):
        await socket.close(code=POLICY_VIOLATION)
        return
    await socket.accept()
    sending = asyncio.Lock()

    async def send(event: dict[str, Any]) -> None:
        async with sending:
            await socket.send_json(event)

    ip = socket.client.host if socket.client else "unknown"
    await chat.load_history(session)
    conversation = chat.hub.get(session)
    conversation.listeners.add(send)  # before the history: the widget drops duplicates by seq
    try:
        reset = after >= conversation.next_seq  # the gateway restarted and renumbered
        since = 0 if reset else after
        await send({"type": "history", "reset": reset, "messages": chat.hub.since(session, since)})
        while True:
            raw = await socket.receive_text()
            if len(raw.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
                await send({"type": "refused", **_TOO_LONG})
                continue
            frame = decode(raw)
            if frame is None or not isinstance(frame.get("text", ""), str):
                await send({"type": "error", "text": _UNREADABLE})
            elif frame.get("type") == "ping":
                await send({"type": "pong"})
            elif frame.get("type") == "message":
                payload = frame.get("payload") if isinstance(frame.get("payload"), str) else None
                outcome = await chat.handle(session, ip, frame.get("text", ""), payload)
                if outcome.refused:
                    draft = printable(frame.get("text", ""))
                    await send({"type": "refused", **outcome.refused, "draft": draft})
            else:
                await send({"type": "error", "text": _UNREADABLE})
    except WebSocketDisconnect:
        pass
    finally:
        conversation.listeners.discard(send)
