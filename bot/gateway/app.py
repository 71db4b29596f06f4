"""The FastAPI application: demo page, widget files, chat API, WebSocket, health.

`create_app(Settings)` builds it; `python -m bot.gateway` serves it with uvicorn.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from bot.branches import Branch, BranchCatalogue
from bot.console import mount_console
from bot.gateway.body_limit import BodyLimit
from bot.gateway.chat import ChatService
from bot.gateway.config import Settings
from bot.gateway.headers import SecurityHeaders
from bot.gateway.limits import Limits
from bot.gateway.rasa_client import RasaClient
from bot.gateway.sessions import SESSION_ID, SessionHub, new_session_id
from bot.gateway.websocket import serve_websocket
from bot.handoff.desk import HandoffDesk
from bot.review.conversations import ReviewSettings
from bot.review.schedule import retention_time, run_daily

STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 64 * 1024
log = logging.getLogger("bot.gateway.app")


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


def create_app(settings: Settings | None = None) -> FastAPI:
    """The gateway with its own Rasa client, session hub and limits."""
    settings = settings or Settings.from_env()
    rasa = RasaClient(settings.rasa_url, settings.rasa_token, settings.rasa_timeout)
    hub = SessionHub(settings.history_limit, settings.max_sessions)
    limits = Limits(settings.max_message_chars, settings.session_rate, settings.ip_rate)
    chat = ChatService(rasa, hub, limits)
    point = BranchCatalogue.load().information_point

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        at = retention_time()  # the daily deletion of old conversations (RODO), in-process
        review = ReviewSettings.from_env()
        job = asyncio.create_task(run_daily(app.state.console.db, review, at)) if at else None
        yield
        if job:
            job.cancel()
        await chat.close()
        await rasa.close()

    docs = settings.api_docs  # /docs, /redoc, /openapi.json only when a developer asks for them
    app = FastAPI(
        title="MOPS Kraków – bramka czatu",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.settings, app.state.hub, app.state.chat = settings, hub, chat
    # Bodies over the limit are refused as received (chunked too); inside CORS, so the widget
    # on a MOPS page can read the refusal.
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        max_age=600,
    )

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> JSONResponse:
        return _refused({"reason": "bad_request", "text": _BAD_REQUEST}, 400)

    @app.get("/", include_in_schema=False)
    async def demo_page(request: Request) -> HTMLResponse:
        """A page like the MOPS website's, with the widget; its contacts come from data/."""
        return HTMLResponse(demo_html(str(request.base_url).rstrip("/"), point))

    @app.get("/widget.js", include_in_schema=False)
    async def widget_script() -> FileResponse:
        return FileResponse(STATIC / "widget.js", media_type="text/javascript")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: the process answers (Rasa is not asked)."""
        return {"status": "ok"}

    @app.get("/ready")
    async def ready() -> JSONResponse:
        """Readiness: Rasa answers its token-protected status with a loaded model."""
        if await rasa.ready():
            return JSONResponse({"status": "ready", "rasa": "ok"})
        return JSONResponse({"status": "not ready", "rasa": "unavailable"}, status_code=503)

    @app.get("/api/config")
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

    @app.post("/api/sessions", status_code=201)
    async def start_session() -> dict[str, str]:
        """A new conversation; its id is the resident's key to it."""
        return {"session": new_session_id()}

    @app.get("/api/sessions/{session}/messages")
    async def messages(session: str, after: int = Query(0, ge=0)) -> Any:
        if not SESSION_ID.match(session):
            return _refused({"reason": "bad_session", "text": _BAD_REQUEST}, 404)
        await chat.load_history(session)
        return {"messages": hub.since(session, after)}

    @app.post("/api/sessions/{session}/messages")
    async def send_message(session: str, message: IncomingMessage, request: Request) -> Any:
        if not SESSION_ID.match(session):
            return _refused({"reason": "bad_session", "text": _BAD_REQUEST}, 404)
        ip = request.client.host if request.client else "unknown"
        outcome = await chat.handle(session, ip, message.text, message.payload)
        if outcome.refused:
            return _refused(outcome.refused, _STATUS_BY_REASON.get(outcome.refused["reason"], 400))
        return {"messages": outcome.messages}

    @app.websocket("/ws/{session}")
    async def websocket(socket: WebSocket, session: str, after: int = 0) -> None:
        await serve_websocket(socket, session, max(0, after), chat, settings.cors_origins)

    # CSP, nosniff, no framing, HSTS on every answer, the console's too (bot/gateway/headers.py).
    app.add_middleware(SecurityHeaders, hsts=settings.hsts)
    console = mount_console(app)  # the staff console under /console (CONSOLE_* settings, own DB)
    chat.desk = HandoffDesk(console.db)  # handed-over conversations: queue place, cancel, resume
    return app
