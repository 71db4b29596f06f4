"""The staff console (`/console`): login, the live handoff queue, tickets, call-backs, accounts.

`mount_console(app)` adds it to the gateway app: its own database (migrated at start-up), its own
cookie (path `/console`), and the gateway's session hub for transcripts and replies.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from bot.console.config import ConsoleSettings
from bot.console.delivery import ChatDelivery
from bot.console.web import PREFIX, Console, Denied, LoginRequired, build_router, render
from bot.storage import Database, upgrade

STATIC = Path(__file__).resolve().parent / "static"
_migrated: set[str] = set()  # one migration per database per process, however many apps


def mount_console(app: FastAPI, settings: ConsoleSettings | None = None) -> Console:
    """Mount the console into the gateway app (needs `app.state.hub` and `app.state.chat`)."""
    from bot.review.web import build_review_router  # review builds on the console's web module

    settings = settings or ConsoleSettings.from_env()
    if settings.database_url not in _migrated:
        upgrade(settings.database_url)
        _migrated.add(settings.database_url)
    console = Console(
        settings, Database(settings.database_url), ChatDelivery(app.state.hub, app.state.chat)
    )
    app.state.console = console
    router = build_router(console)
    router.include_router(build_review_router(console))  # /console/review (bot/review), same guard
    app.include_router(router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="console-static")
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(Denied, _denied)
    return console


async def _login_required(request: Request, _error: Exception) -> Response:
    if request.url.path.startswith(f"{PREFIX}/api/"):
        return JSONResponse({"error": "login required"}, status_code=401)
    return RedirectResponse(f"{PREFIX}/login", status_code=303)


async def _denied(request: Request, error: Exception) -> Response:
    assert isinstance(error, Denied)
    return render(request, "error.html", error.status, message=error.message)
