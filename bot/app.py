"""The one place that wires the web application: services built once, routers mounted.

Dependencies point one way (tests/test_import_rules.py): the channels and the staff pages use the
services, which use the storage. Here the web chat's gateway, the console and the review are
put together: the gateway's chat gets the handoff desk, the console gets the gateway's delivery
(as the `Delivery` interface it declares), and the review gets its conversation index.
`python -m bot.gateway` serves the result. The console database is not migrated here: that is
a step of its own (`make console-migrate`, and scripts/run.sh before anything starts).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from bot import staffweb
from bot.branches import BranchCatalogue
from bot.console.config import ConsoleSettings
from bot.console.routes import console_router
from bot.console.service import Console
from bot.gateway.body_limit import BodyLimit
from bot.gateway.chat import ChatService
from bot.gateway.config import Settings
from bot.gateway.delivery import ChatDelivery
from bot.gateway.headers import SecurityHeaders
from bot.gateway.limits import Limits
from bot.gateway.messenger_front import WEBHOOK, MessengerFront, messenger_router
from bot.gateway.messenger_outbox import MessengerOutbox
from bot.gateway.outbox import Outbox
from bot.gateway.rasa_client import RasaClient
from bot.gateway.routes import STATIC, gateway_router, refuse_bad_requests
from bot.gateway.sessions import SessionHub
from bot.handoff.desk import HandoffDesk
from bot.review.conversations import ConversationIndex
from bot.review.flags import Flags
from bot.review.routes import review_router
from bot.review.schedule import retention_time, run_daily
from bot.review.settings import ReviewSettings
from bot.staffweb.sessions import CookieSigner, StaffSessions
from bot.storage import Database

MAX_BODY_BYTES = 64 * 1024
# Meta's webhook calls may batch many messages of up to 2 000 characters each.
MAX_WEBHOOK_BYTES = 1024 * 1024


def create_app(
    settings: Settings | None = None, console_settings: ConsoleSettings | None = None
) -> FastAPI:
    """The gateway with its own Rasa client, session hub and limits, and the staff console
    (`/console`, CONSOLE_* settings, its own database) with the review (`/console/review`)."""
    settings = settings or Settings.from_env()
    console_settings = console_settings or ConsoleSettings.from_env()
    db = Database(console_settings.database_url)
    rasa = RasaClient(settings.rasa_url, settings.rasa_token, settings.rasa_timeout)
    hub = SessionHub(settings.history_limit, settings.max_sessions)
    limits = Limits(settings.max_message_chars, settings.session_rate, settings.ip_rate)
    chat = ChatService(rasa, hub, limits, HandoffDesk(db), outbox=Outbox(path=settings.outbox))
    console = Console(console_settings, db, ChatDelivery(hub, chat))
    review = ConversationIndex(db, ReviewSettings.from_env())
    messenger = MessengerFront(
        settings.messenger, rasa, MessengerOutbox(Outbox(path=settings.messenger_outbox))
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        at = retention_time()  # the daily deletion of old conversations (RODO), in-process
        job = asyncio.create_task(run_daily(db, review.settings, at)) if at else None
        chat.resume()  # messages kept for Rasa before a restart
        messenger.resume()
        yield
        if job:
            job.cancel()
        await chat.close()
        await messenger.close()
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
    app.state.console, app.state.review = console, review
    app.state.review_flags = Flags(db, review.tracker)
    signer = CookieSigner(console_settings.secret_key, int(console_settings.session_hours * 3600))
    app.state.staff_sessions = StaffSessions(
        signer, console.accounts.get, console_settings.cookie_secure
    )
    _protect(app, settings)
    app.include_router(
        gateway_router(settings, chat, rasa, BranchCatalogue.load().information_point)
    )
    app.include_router(messenger_router(messenger))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # CSP, nosniff, no framing, HSTS on every answer, the console's too (bot/gateway/headers.py).
    app.add_middleware(SecurityHeaders, hsts=settings.hsts)
    app.include_router(console_router())
    app.include_router(review_router())
    app.mount(
        f"{staffweb.PREFIX}/static", StaticFiles(directory=staffweb.STATIC), name="console-static"
    )
    app.add_exception_handler(staffweb.LoginRequired, staffweb.login_required)
    app.add_exception_handler(staffweb.Denied, staffweb.denied)
    return app


def _protect(app: FastAPI, settings: Settings) -> None:
    """Bodies over the limit are refused as received (chunked too); inside CORS, so the widget
    on a MOPS page can read the refusal; a malformed message gets the widget's refusal."""
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES, wider={WEBHOOK: MAX_WEBHOOK_BYTES})
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        max_age=600,
    )
    refuse_bad_requests(app)
