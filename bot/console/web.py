"""The console's pages and JSON endpoint (FastAPI router, server-rendered Polish HTML).

Default deny: one router-wide guard logs the staff member in from the cookie for every route except
the login page, and checks the CSRF token on every POST, so a route added later is protected too.

Nothing here blocks the gateway's event loop (residents' chats share it): routes that only use the
database or argon2 are plain `def` (FastAPI runs them in its thread pool), and the `async` ones
that also talk to Rasa run their database calls with `run_in_threadpool`.

Workers see residents' personal data (phone numbers, e-mails, …) only in the tickets they handle;
in the queue and in colleagues' tickets it is masked. Supervisors and admins see it everywhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from bot.console.accounts import AccountError, AccountService, StaffView
from bot.console.config import ConsoleSettings
from bot.console.delivery import ChatDelivery
from bot.console.formatting import clock, topic_title, waited
from bot.console.security import (
    COOKIE,
    COOKIE_PATH,
    CSRF_FIELD,
    CSRF_HEADER,
    CookieSession,
    CookieSigner,
)
from bot.handoff import CallbackService, HandoffError, TicketService
from bot.handoff.tickets import TicketView
from bot.messages import Reply
from bot.review.masking import mask
from bot.storage.db import Database
from bot.storage.models import Role

PREFIX = "/console"
PUBLIC = {f"{PREFIX}/login"}
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
TEMPLATES.env.globals.update(
    clock=clock, waited=waited, topic_title=topic_title, csrf_field=CSRF_FIELD
)
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
}
DONE = {
    "claimed": "Zgłoszenie zostało przejęte.",
    "sent": "Wiadomość została wysłana.",
    "transferred": "Zgłoszenie zostało przekazane.",
    "returned": "Rozmowa wróciła do asystenta.",
    "closed": "Zgłoszenie zostało zamknięte.",
    "callback_done": "Prośba o kontakt została oznaczona jako załatwiona.",
    "staff_created": "Konto zostało utworzone.",
    "staff_changed": "Konto zostało zmienione.",
    "password_changed": "Hasło zostało zmienione. Inne sesje tego konta zostały zakończone.",
}
ROLE_NAMES = {"worker": "pracownik", "supervisor": "koordynator", "admin": "administrator"}
STATUS_TEXT = {
    "waiting": "czeka",
    "claimed": "przejęte",
    "closed": "zamknięte",
    "returned": "oddane asystentowi",
    "cancelled": "mieszkaniec wrócił do asystenta",
}
TEMPLATES.env.globals.update(role_names=ROLE_NAMES, status_text=STATUS_TEXT)


class LoginRequired(Exception):
    """No valid session: pages redirect to the login form, the JSON API answers 401."""


class Denied(Exception):
    """Refused (CSRF, role): an HTML page with the reason and the status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Console:
    """The console's services, built once per gateway app."""

    settings: ConsoleSettings
    db: Database
    delivery: ChatDelivery

    def __post_init__(self) -> None:
        self.accounts = AccountService(self.db, self.settings)
        self.tickets = TicketService(self.db)
        self.callbacks = CallbackService(self.db)
        self.signer = CookieSigner(
            self.settings.secret_key, int(self.settings.session_hours * 3600)
        )

    def secure(self, request: Request) -> bool:
        """The `Secure` cookie: as configured, or when the request came over HTTPS.

        HSTS comes with every answer of the gateway (bot/gateway/headers.py, GATEWAY_HSTS)."""
        configured = self.settings.cookie_secure
        return request.url.scheme == "https" if configured is None else configured

    def set_cookie(self, request: Request, response: Response, session: CookieSession) -> None:
        response.set_cookie(
            COOKIE,
            self.signer.dumps(session),
            max_age=self.signer.max_age,
            path=COOKIE_PATH,
            httponly=True,
            samesite="strict",
            secure=self.secure(request),
        )

    def signed_in(self, session: CookieSession | None) -> StaffView | None:
        """The active account a cookie stands for, if its session was not revoked since."""
        if session is None or session.staff_id is None:
            return None
        staff = self.accounts.get(session.staff_id)
        if staff is None or not staff.active or staff.session_version != session.version:
            return None
        return staff


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    session: CookieSession | None = getattr(request.state, "console_session", None)
    context.setdefault("staff", getattr(request.state, "staff", None))
    context.setdefault("done", DONE.get(request.query_params.get("done", "")))
    context["csrf"] = session.csrf if session else ""
    response = TEMPLATES.TemplateResponse(request, name, context, status_code=status)
    response.headers.update(HEADERS)
    return response


def redirect(path: str, done: str | None = None) -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}{path}" + (f"?done={done}" if done else ""), 303)


def staff_of(request: Request) -> StaffView:
    return request.state.staff


def client_ip(request: Request) -> str:
    """The client's address (uvicorn takes it from X-Forwarded-For of trusted proxies only)."""
    return request.client.host if request.client else "-"


def sees_personal_data(me: StaffView, ticket: TicketView) -> bool:
    """A worker sees personal data in the tickets they handle; supervisors and admins in all."""
    return me.actor.supervises or ticket.claimed_by == me.id


def as_seen_by(me: StaffView, ticket: TicketView) -> TicketView:
    return (
        ticket if sees_personal_data(me, ticket) else replace(ticket, summary=mask(ticket.summary))
    )


def transcript_seen_by(
    me: StaffView, ticket: TicketView, transcript: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    if sees_personal_data(me, ticket):
        return transcript
    return [{**m, "text": mask(m.get("text"))} for m in transcript]


def require(role: Role) -> Callable[[Request], StaffView]:
    """A dependency: the logged-in staff member, if their role is at least `role`."""

    def check(request: Request) -> StaffView:
        staff = staff_of(request)
        if Role(staff.role).rank < role.rank:
            raise Denied(403, "Brak uprawnień do tej strony.")
        return staff

    return check


def build_router(console: Console) -> APIRouter:
    async def guard(request: Request) -> None:
        """Login for every non-public route, then the CSRF token for every POST."""
        session = console.signer.loads(request.cookies.get(COOKIE))
        request.state.console_session = session
        if request.url.path not in PUBLIC:
            staff = await run_in_threadpool(console.signed_in, session)
            if staff is None:
                raise LoginRequired()
            request.state.staff = staff
        if request.method == "POST":
            token = request.headers.get(CSRF_HEADER) or (await request.form()).get(CSRF_FIELD)
            if session is None or not session.csrf_matches(
                token if isinstance(token, str) else None
            ):
                raise Denied(
                    403,
                    "Formularz wygasł lub nie pochodzi z konsoli. Proszę odświeżyć "
                    "stronę i spróbować ponownie.",
                )

    router = APIRouter(prefix=PREFIX, dependencies=[Depends(guard)], include_in_schema=False)
    tickets, accounts, callbacks = console.tickets, console.accounts, console.callbacks

    # --- login ---------------------------------------------------------------------------------

    @router.get("/login")
    def login_form(request: Request) -> Response:
        session = request.state.console_session
        if console.signed_in(session):
            return redirect("/queue")
        fresh = session or CookieSession.anonymous()
        request.state.console_session = fresh
        response = render(request, "login.html")
        console.set_cookie(request, response, fresh)
        return response

    @router.post("/login")
    def login(request: Request, login: str = Form(""), password: str = Form("")) -> Response:
        result = accounts.authenticate(login, password, client_ip(request))
        if result.staff is None:
            return render(request, "login.html", 401, error=result.error, login=login)
        response = redirect("/queue")
        cookie = CookieSession(
            CookieSession.anonymous().csrf, result.staff.id, result.staff.session_version
        )
        console.set_cookie(request, response, cookie)
        return response

    @router.post("/logout")
    def logout(request: Request) -> Response:
        """Ends the session on the server: this cookie (and any copy of it) no longer works."""
        accounts.revoke_sessions(staff_of(request).id)
        response = redirect("/login")
        response.delete_cookie(COOKIE, path=COOKIE_PATH)
        return response

    @router.get("/password")
    def password_form(request: Request) -> Response:
        return render(request, "password.html", min_chars=console.settings.min_password_chars)

    @router.post("/password")
    def password_change(
        request: Request,
        current: str = Form(""),
        new: str = Form(""),
        repeated: str = Form(""),
    ) -> Response:
        """A new password; every session of the account ends except this browser's (renewed)."""
        me = staff_of(request)
        try:
            version = accounts.change_password(me.id, current, new, repeated)
        except AccountError as error:
            return render(
                request,
                "password.html",
                400,
                error=str(error),
                min_chars=console.settings.min_password_chars,
            )
        response = redirect("/password", "password_changed")
        console.set_cookie(
            request, response, CookieSession(CookieSession.anonymous().csrf, me.id, version)
        )
        return response

    # --- queue ---------------------------------------------------------------------------------

    @router.get("")
    @router.get("/")
    def home() -> Response:
        return redirect("/queue")

    @router.get("/queue")
    def queue(request: Request) -> Response:
        new_callbacks = sum(c.status == "new" for c in callbacks.list())
        me = staff_of(request)
        return render(
            request,
            "queue.html",
            tickets=[as_seen_by(me, t) for t in tickets.queue()],
            new_callbacks=new_callbacks,
            poll_seconds=console.settings.poll_seconds,
        )

    @router.get("/api/queue")
    def queue_json(request: Request) -> JSONResponse:
        """What the queue page's script polls: the open tickets, ready to show."""
        me = staff_of(request)
        rows = [
            {
                **as_seen_by(me, t).to_json(),
                "topic": topic_title(t.topic),
                "waited": waited(t.waiting_seconds),
                "created": clock(t.created_at),
            }
            for t in tickets.queue()
        ]
        new_callbacks = sum(c.status == "new" for c in callbacks.list())
        return JSONResponse(
            {"tickets": rows, "new_callbacks": new_callbacks}, headers={"Cache-Control": "no-store"}
        )

    # --- one ticket ----------------------------------------------------------------------------

    async def ticket_page(
        request: Request, ticket_id: int, error: str | None = None, draft: str = ""
    ) -> Response:
        ticket = await run_in_threadpool(tickets.get, ticket_id)
        if ticket is None:
            raise Denied(404, "Nie ma takiego zgłoszenia.")
        me = staff_of(request)
        transcript = await console.delivery.transcript(ticket.channel, ticket.conversation_id)
        everyone = await run_in_threadpool(accounts.list)
        return render(
            request,
            "ticket.html",
            409 if error else 200,
            ticket=as_seen_by(me, ticket),
            transcript=transcript_seen_by(me, ticket, transcript),
            may_write=ticket.status == "claimed"
            and (ticket.claimed_by == me.id or me.actor.supervises),
            colleagues=[s for s in everyone if s.active and s.id != ticket.claimed_by],
            error=error,
            draft=draft,
            max_reply_chars=console.settings.max_reply_chars,
            poll_seconds=console.settings.poll_seconds,
        )

    @router.get("/tickets/{ticket_id}")
    async def ticket(request: Request, ticket_id: int) -> Response:
        return await ticket_page(request, ticket_id)

    def ticket_action(
        path: str,
        change: Callable[[int, StaffView, dict[str, str]], TicketView],
        tell: Callable[[TicketView], Awaitable[str | None]],
        done: str,
        to: str,
    ) -> None:
        """A POST that changes a ticket, then tells the resident; a refusal or a message that
        could not be delivered is shown on the ticket page."""

        @router.post(f"/tickets/{{ticket_id}}/{path}", name=f"ticket_{path}")
        async def act(request: Request, ticket_id: int) -> Response:
            form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
            try:
                ticket = await run_in_threadpool(change, ticket_id, staff_of(request), form)
            except HandoffError as error:
                return await ticket_page(request, ticket_id, str(error))
            problem = await tell(ticket)
            if problem:
                return await ticket_page(request, ticket_id, problem)
            return redirect(to.format(ticket_id=ticket_id), done)

    delivery = console.delivery

    def joined(ticket: TicketView) -> Awaitable[str | None]:
        return delivery.announce(
            ticket, Reply("handoff_joined", {"name": ticket.claimed_by_name or ""})
        )

    def ended(ticket: TicketView) -> Awaitable[str | None]:
        return delivery.announce(ticket, Reply("handoff_ended"), resume=True)

    ticket_action(
        "claim",
        lambda t, s, f: tickets.claim(t, s.actor),
        joined,
        "claimed",
        "/tickets/{ticket_id}",
    )
    ticket_action(
        "transfer",
        lambda t, s, f: tickets.transfer(t, s.actor, _int(f.get("to_staff"))),
        lambda ticket: delivery.announce(
            ticket, Reply("handoff_transferred", {"name": ticket.claimed_by_name or ""})
        ),
        "transferred",
        "/queue",
    )
    ticket_action(
        "give-back", lambda t, s, f: tickets.give_back(t, s.actor), ended, "returned", "/queue"
    )
    ticket_action("close", lambda t, s, f: tickets.close(t, s.actor), ended, "closed", "/queue")

    @router.post("/tickets/{ticket_id}/reply")
    async def reply(request: Request, ticket_id: int, text: str = Form("")) -> Response:
        me = staff_of(request)
        text = text.strip()
        try:
            view = await run_in_threadpool(tickets.ensure_handles, ticket_id, me.actor)
        except HandoffError as error:
            return await ticket_page(request, ticket_id, str(error), text)
        limit = console.settings.max_reply_chars
        if not text or len(text) > limit:
            problem = f"Wiadomość musi mieć od 1 do {limit} znaków."
            return await ticket_page(request, ticket_id, problem, text)
        problem = await delivery.send(view, text, me.first_name)
        if problem:
            return await ticket_page(request, ticket_id, problem, text)
        await run_in_threadpool(tickets.note, ticket_id, me.actor, "ticket.replied")
        return redirect(f"/tickets/{ticket_id}", "sent")

    @router.get("/api/tickets/{ticket_id}")
    async def ticket_json(request: Request, ticket_id: int) -> JSONResponse:
        """What the ticket page's script polls: the status and the conversation so far."""
        ticket = await run_in_threadpool(tickets.get, ticket_id)
        if ticket is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        said = await delivery.transcript(ticket.channel, ticket.conversation_id)
        transcript = transcript_seen_by(staff_of(request), ticket, said)
        return JSONResponse(
            {
                "status": ticket.status,
                "status_text": STATUS_TEXT[ticket.status],
                "transcript": [
                    {"role": m["role"], "text": m["text"], "author": m.get("author")}
                    for m in transcript
                ],
            },
            headers={"Cache-Control": "no-store"},
        )

    # --- call-backs ----------------------------------------------------------------------------

    @router.get("/callbacks")
    def callback_list(request: Request) -> Response:
        return render(request, "callbacks.html", callbacks=callbacks.list())

    @router.post("/callbacks/{callback_id}/done")
    def callback_done(request: Request, callback_id: int) -> Response:
        try:
            callbacks.mark_done(callback_id, staff_of(request).actor)
        except HandoffError as error:
            return render(
                request, "callbacks.html", 409, callbacks=callbacks.list(), error=str(error)
            )
        return redirect("/callbacks", "callback_done")

    # --- accounts (admin) ----------------------------------------------------------------------

    admin = Depends(require(Role.admin))

    def staff_page(request: Request, status: int = 200, **extra: object) -> Response:
        return render(
            request, "staff.html", status, accounts=accounts.list(), roles=list(Role), **extra
        )

    @router.get("/staff", dependencies=[admin])
    def staff_list(request: Request) -> Response:
        return staff_page(request)

    @router.post("/staff", dependencies=[admin])
    def staff_create(
        request: Request,
        login: str = Form(""),
        first_name: str = Form(""),
        role: str = Form("worker"),
        password: str = Form(""),
    ) -> Response:
        try:
            accounts.create(login, first_name, _role(role), password, staff_of(request).actor)
        except AccountError as error:
            form = {"login": login, "first_name": first_name, "role": role}
            return staff_page(request, 400, error=str(error), form=form)
        return redirect("/staff", "staff_created")

    @router.post("/staff/{staff_id}/active", dependencies=[admin])
    def staff_active(request: Request, staff_id: int, active: str = Form("0")) -> Response:
        try:
            accounts.set_active(staff_id, active == "1", staff_of(request).actor)
        except AccountError as error:
            return staff_page(request, 400, error=str(error))
        return redirect("/staff", "staff_changed")

    return router


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1  # no such staff member: the service explains


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as error:
        raise AccountError("Nieznana rola.") from error
