"""What the console's and the review's pages share: rendering, the login guard, roles, errors.

Default deny: one guard (a router-wide dependency of both) logs the staff member in from the
cookie for every route except the login page, and checks the CSRF token on every POST, so a route
added later is protected too. Each side keeps its own templates; both extend `base.html` here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from bot.staff_labels import staff_labels
from bot.staffweb.formatting import clock, topic_title, waited
from bot.staffweb.sessions import CSRF_FIELD, CSRF_HEADER, CookieSession, StaffSessions
from bot.storage.identity import StaffView
from bot.storage.models import Role

PREFIX = "/console"
PUBLIC = {f"{PREFIX}/login"}
HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
}
ROLE_NAMES = staff_labels("roles", (role.value for role in Role))
EXPIRED_FORM = (
    "Formularz wygasł lub nie pochodzi z konsoli. Proszę odświeżyć stronę i spróbować ponownie."
)


class LoginRequired(Exception):
    """No valid session: pages redirect to the login form, the JSON API answers 401."""


class Denied(Exception):
    """Refused (CSRF, role, not found): an HTML page with the reason and the status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Pages:
    """One side's templates (its own folder first, then the shared `base.html` and `error.html`)
    and the "done" notices its redirects name."""

    def __init__(self, folder: Path, done: Mapping[str, str], **globals_: Any) -> None:
        self.templates = Jinja2Templates(directory=[folder, HERE / "templates"])
        self.templates.env.globals.update(
            clock=clock,
            waited=waited,
            topic_title=topic_title,
            csrf_field=CSRF_FIELD,
            role_names=ROLE_NAMES,
            **globals_,
        )
        self.done = done

    def render(
        self, request: Request, name: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        session: CookieSession | None = getattr(request.state, "console_session", None)
        context.setdefault("staff", getattr(request.state, "staff", None))
        context.setdefault("done", self.done.get(request.query_params.get("done", "")))
        context["csrf"] = session.csrf if session else ""
        response = self.templates.TemplateResponse(request, name, context, status_code=status)
        response.headers.update(HEADERS)
        return response


SHARED = Pages(HERE / "templates", {})


def redirect(path: str, done: str | None = None) -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}{path}" + (f"?done={done}" if done else ""), 303)


def staff_sessions(request: Request) -> StaffSessions:
    """The staff sessions of this app (built by bot.app)."""
    return request.app.state.staff_sessions


Sessions = Annotated[StaffSessions, Depends(staff_sessions)]


async def guard(request: Request, sessions: Sessions) -> None:
    """Login for every non-public route, then the CSRF token for every POST."""
    session = sessions.read(request)
    request.state.console_session = session
    if request.url.path not in PUBLIC:
        staff = await run_in_threadpool(sessions.signed_in, session)
        if staff is None:
            raise LoginRequired()
        request.state.staff = staff
    if request.method == "POST":
        token = request.headers.get(CSRF_HEADER) or (await request.form()).get(CSRF_FIELD)
        if session is None or not session.csrf_matches(token if isinstance(token, str) else None):
            raise Denied(403, EXPIRED_FORM)


def staff_of(request: Request) -> StaffView:
    """The signed-in staff member (the guard has checked them)."""
    return request.state.staff


Me = Annotated[StaffView, Depends(staff_of)]


def require(role: Role) -> Callable[[Request], StaffView]:
    """A dependency: the logged-in staff member, if their role is at least `role`."""

    def check(request: Request) -> StaffView:
        staff = staff_of(request)
        if Role(staff.role).rank < role.rank:
            raise Denied(403, "Brak uprawnień do tej strony.")
        return staff

    return check


def client_ip(request: Request) -> str:
    """The client's address (uvicorn takes it from X-Forwarded-For of trusted proxies only)."""
    return request.client.host if request.client else "-"


async def login_required(request: Request, _error: Exception) -> Response:
    if request.url.path.startswith(f"{PREFIX}/api/"):
        return JSONResponse({"error": "login required"}, status_code=401)
    return RedirectResponse(f"{PREFIX}/login", status_code=303)


async def denied(request: Request, error: Exception) -> Response:
    assert isinstance(error, Denied)
    return SHARED.render(request, "error.html", error.status, message=error.message)
