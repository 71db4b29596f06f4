"""The console's pages and JSON endpoints (`/console`), one module per resource.

Every route is behind the staff web's guard (bot.staffweb.guard: login, CSRF on every POST).
Services come in as FastAPI dependencies (bot.console.routes.common); routes that only use the
database or argon2 are plain `def` (FastAPI runs them in its thread pool).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from bot.console.routes import auth, callbacks, queue, staff, tickets
from bot.staffweb import guard


def console_router() -> APIRouter:
    """All of the console's routes under /console, behind the guard."""
    router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)
    for part in (auth, queue, tickets, callbacks, staff):
        router.include_router(part.router)
    return router
