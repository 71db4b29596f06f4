"""The web chat's routes: demo page, widget files, chat API, WebSocket, health.

The app factory (bot/app.py) builds the services and mounts these with the console's and the
review's routes; `python -m bot.gateway` serves the whole app with uvicorn.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Query, Request, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from pydantic import BaseModel

from bot.branches import Branch
from bot.gateway.chat import ChatService
from bot.gateway.config import Settings
from bot.gateway.rasa_client import RasaClient
from bot.gateway.sessions import SESSION_ID, new_session_id
from bot.gateway.websocket import serve_websocket

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger("bot.gateway.routes")


class IncomingMessage(BaseModel):
    """A resident's message; `payload` is set when a quick-reply button was clicked."""

    text: str
    payload: str | None = None


def _refused(body: dict[str, Any], status: int) -> JSONResponse:
    return JSONResponse({"refused": body}, status_code=status)


_STATUS_BY_REASON = {"too_long": 413, "rate_limited": 429, "empty": 400}
_BAD_REQUEST = "Nie udało się odczytać wiadomości. Proszę odświeżyć stronę i spróbować ponownie."


def demo_html(origin: str, point: Branch) -> str:
    """The demo page with the information point's contacts filled in, escaped."""
    values = {
        "origin": origin,
        "address": point.address,
        "phone": point.phones[0],
        "email": point.email or "",
    }
    page = (STATIC / "demo.html").read_text(encoding="utf-8")
    for key, value in values.items():
        page = page.replace("{{" + key + "}}", html.escape(value))
    return page


def refuse_bad_requests(app: FastAPI) -> None:
    """A body that is not a message (bad JSON, wrong fields) gets the widget's Polish refusal."""

    async def bad_request(_request: Request, _error: Exception) -> JSONResponse:
        return _refused({"reason": "bad_request", "text": _BAD_REQUEST}, 400)

    app.add_exception_handler(RequestValidationError, bad_request)


def gateway_router(
    settings: Settings, chat: ChatService, rasa: RasaClient, point: Branch
) -> APIRouter:
    """The web chat's routes over the services the app factory built."""
    router = APIRouter()
    _pages(router, settings, rasa, point)
    _conversations(router, settings, chat)
    return router


def _pages(router: APIRouter, settings: Settings, rasa: RasaClient, point: Branch) -> None:
    """The demo page, the widget, liveness and readiness, the widget's settings."""

    @router.get("/", include_in_schema=False)
    async def demo_page(request: Request) -> HTMLResponse:
        """A page like the MOPS website's, with the widget; its contacts come from data/."""
        return HTMLResponse(demo_html(str(request.base_url).rstrip("/"), point))

    @router.get("/widget.js", include_in_schema=False)
    async def widget_script() -> FileResponse:
        return FileResponse(STATIC / "widget.js", media_type="text/javascript")

    @router.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: the process answers (Rasa is not asked)."""
        return {"status": "ok"}

    @router.get("/ready")
    async def ready() -> JSONResponse:
        """Readiness: Rasa answers its token-protected status with a loaded model."""
        if await rasa.ready():
            return JSONResponse({"status": "ready", "rasa": "ok"})
        return JSONResponse({"status": "not ready", "rasa": "unavailable"}, status_code=503)

    @router.get("/api/config")
    async def widget_config() -> dict[str, Any]:
        """What the widget shows besides the conversation: limits, retention, contacts."""
        return {
            "max_message_chars": settings.max_message_chars,
            "retention_days": settings.retention_days,
            "information_point": {
                "phone": point.phones[0],
                "email": point.email,
                "address": point.address,
            },
        }


def _conversations(router: APIRouter, settings: Settings, chat: ChatService) -> None:
    """A new conversation, its messages (HTTP) and its live WebSocket."""
    hub = chat.hub

    @router.post("/api/sessions", status_code=201)
    async def start_session() -> dict[str, str]:
        """A new conversation; its id is the resident's key to it."""
        return {"session": new_session_id()}

    @router.get("/api/sessions/{session}/messages")
    async def messages(session: str, after: int = Query(0, ge=0)) -> Any:
        if not SESSION_ID.match(session):
            return _refused({"reason": "bad_session", "text": _BAD_REQUEST}, 404)
        await chat.load_history(session)
        return {"messages": hub.since(session, after)}

    @router.post("/api/sessions/{session}/messages")
    async def send_message(session: str, message: IncomingMessage, request: Request) -> Any:
        if not SESSION_ID.match(session):
            return _refused({"reason": "bad_session", "text": _BAD_REQUEST}, 404)
        ip = request.client.host if request.client else "unknown"
        outcome = await chat.handle(session, ip, message.text, message.payload)
        if outcome.refused:
            return _refused(outcome.refused, _STATUS_BY_REASON.get(outcome.refused["reason"], 400))
        return {"messages": outcome.messages}

    @router.websocket("/ws/{session}")
    async def websocket(socket: WebSocket, session: str, after: int = 0) -> None:
        await serve_websocket(socket, session, max(0, after), chat, settings.cors_origins)
