"""Logging in and out, and changing one's own password."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from bot.console.accounts import AccountError
from bot.console.routes.common import PAGES, Accounts, Settings
from bot.staffweb import PREFIX, Me, Sessions, client_ip, redirect
from bot.staffweb.sessions import CookieSession, StaffSessions

router = APIRouter(prefix=PREFIX)


@router.get("/login")
def login_form(request: Request, sessions: Sessions) -> Response:
    session = request.state.console_session
    if sessions.signed_in(session):
        return redirect("/queue")
    fresh = session or CookieSession.anonymous()
    request.state.console_session = fresh
    response = PAGES.render(request, "login.html")
    sessions.set_cookie(request, response, fresh)
    return response


@router.post("/login")
def login(
    request: Request,
    accounts: Accounts,
    sessions: Sessions,
    login: str = Form(""),
    password: str = Form(""),
) -> Response:
    result = accounts.authenticate(login, password, client_ip(request))
    if result.staff is None:
        return PAGES.render(request, "login.html", 401, error=result.error, login=login)
    response = redirect("/queue")
    cookie = CookieSession(
        CookieSession.anonymous().csrf, result.staff.id, result.staff.session_version
    )
    sessions.set_cookie(request, response, cookie)
    return response


@router.post("/logout")
def logout(me: Me, accounts: Accounts) -> Response:
    """Ends the session on the server: this cookie (and any copy of it) no longer works."""
    accounts.revoke_sessions(me.id)
    response = redirect("/login")
    StaffSessions.forget(response)
    return response


@router.get("/password")
def password_form(request: Request, settings: Settings) -> Response:
    return PAGES.render(request, "password.html", min_chars=settings.min_password_chars)


@router.post("/password")
def password_change(
    request: Request,
    me: Me,
    accounts: Accounts,
    sessions: Sessions,
    settings: Settings,
    current: str = Form(""),
    new: str = Form(""),
    repeated: str = Form(""),
) -> Response:
    """A new password; every session of the account ends except this browser's (renewed)."""
    try:
        version = accounts.change_password(me.id, current, new, repeated)
    except AccountError as error:
        return PAGES.render(
            request,
            "password.html",
            400,
            error=str(error),
            min_chars=settings.min_password_chars,
        )
    response = redirect("/password", "password_changed")
    sessions.set_cookie(
        request, response, CookieSession(CookieSession.anonymous().csrf, me.id, version)
    )
    return response
