"""One handoff ticket: its page, the JSON its script polls, the worker's reply, and the changes
(claim, transfer, give back, close), each followed by a message to the resident.

Nothing here blocks the gateway's event loop (residents' chats share it): the database calls of
these `async` routes (they also talk to Rasa) run with `run_in_threadpool`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from bot.console.accounts import AccountService
from bot.console.config import ConsoleSettings
from bot.console.delivery import Delivery
from bot.console.routes.common import (
    PAGES,
    STATUS_TEXT,
    Accounts,
    Deliver,
    Settings,
    Tickets,
    as_seen_by,
    transcript_seen_by,
)
from bot.handoff import HandoffError, TicketService
from bot.handoff.tickets import TicketView
from bot.messages import Reply
from bot.staffweb import PREFIX, Denied, Me, redirect
from bot.storage.identity import StaffView

router = APIRouter(prefix=PREFIX)


async def ticket_page(
    request: Request,
    ticket_id: int,
    services: tuple[TicketService, AccountService, Delivery, ConsoleSettings],
    error: str | None = None,
    draft: str = "",
) -> Response:
    """The ticket with the conversation so far; `error` (409) when a change was refused."""
    tickets, accounts, delivery, settings = services
    ticket = await run_in_threadpool(tickets.get, ticket_id)
    if ticket is None:
        raise Denied(404, "Nie ma takiego zgłoszenia.")
    me: StaffView = request.state.staff
    transcript = await delivery.transcript(ticket.channel, ticket.conversation_id)
    everyone = await run_in_threadpool(accounts.list)
    return PAGES.render(
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
        max_reply_chars=settings.max_reply_chars,
        poll_seconds=settings.poll_seconds,
    )


@router.get("/tickets/{ticket_id}")
async def ticket(
    request: Request,
    ticket_id: int,
    tickets: Tickets,
    accounts: Accounts,
    delivery: Deliver,
    settings: Settings,
) -> Response:
    return await ticket_page(request, ticket_id, (tickets, accounts, delivery, settings))


@router.get("/api/tickets/{ticket_id}")
async def ticket_json(ticket_id: int, me: Me, tickets: Tickets, delivery: Deliver) -> JSONResponse:
    """What the ticket page's script polls: the status and the conversation so far."""
    ticket = await run_in_threadpool(tickets.get, ticket_id)
    if ticket is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    said = await delivery.transcript(ticket.channel, ticket.conversation_id)
    transcript = transcript_seen_by(me, ticket, said)
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


@router.post("/tickets/{ticket_id}/reply")
async def reply(
    request: Request,
    ticket_id: int,
    me: Me,
    tickets: Tickets,
    accounts: Accounts,
    delivery: Deliver,
    settings: Settings,
    text: str = Form(""),
) -> Response:
    services = (tickets, accounts, delivery, settings)
    text = text.strip()
    try:
        view = await run_in_threadpool(tickets.ensure_handles, ticket_id, me.actor)
    except HandoffError as error:
        return await ticket_page(request, ticket_id, services, str(error), text)
    limit = settings.max_reply_chars
    if not text or len(text) > limit:
        too_long = f"Wiadomość musi mieć od 1 do {limit} znaków."
        return await ticket_page(request, ticket_id, services, too_long, text)
    problem = await delivery.send(view, text, me.first_name)
    if problem:
        return await ticket_page(request, ticket_id, services, problem, text)
    await run_in_threadpool(tickets.note, ticket_id, me.actor, "ticket.replied")
    return redirect(f"/tickets/{ticket_id}", "sent")


# --- changes: (what changes the ticket, what the resident is told, the notice, where to) ----------

Change = Callable[[TicketService, int, StaffView, dict[str, str]], TicketView]
Tell = Callable[[Delivery, TicketView], Awaitable[str | None]]


def _joined(delivery: Delivery, ticket: TicketView) -> Awaitable[str | None]:
    return delivery.announce(
        ticket, Reply("handoff_joined", {"name": ticket.claimed_by_name or ""})
    )


def _transferred(delivery: Delivery, ticket: TicketView) -> Awaitable[str | None]:
    name = ticket.claimed_by_name or ""
    return delivery.announce(ticket, Reply("handoff_transferred", {"name": name}))


def _ended(delivery: Delivery, ticket: TicketView) -> Awaitable[str | None]:
    return delivery.announce(ticket, Reply("handoff_ended"), resume=True)


def _staff_id(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1  # no such staff member: the service explains


CHANGES: dict[str, tuple[Change, Tell, str, str]] = {
    "claim": (lambda t, i, s, _f: t.claim(i, s.actor), _joined, "claimed", "/tickets/{ticket_id}"),
    "transfer": (
        lambda t, i, s, f: t.transfer(i, s.actor, _staff_id(f.get("to_staff"))),
        _transferred,
        "transferred",
        "/queue",
    ),
    "give-back": (lambda t, i, s, _f: t.give_back(i, s.actor), _ended, "returned", "/queue"),
    "close": (lambda t, i, s, _f: t.close(i, s.actor), _ended, "closed", "/queue"),
}


def _change_route(path: str, change: Change, tell: Tell, done: str, to: str) -> None:
    """A POST that changes a ticket, then tells the resident; a refusal or a message that could
    not be delivered is shown on the ticket page."""

    @router.post(f"/tickets/{{ticket_id}}/{path}", name=f"ticket_{path}")
    async def act(
        request: Request,
        ticket_id: int,
        me: Me,
        tickets: Tickets,
        accounts: Accounts,
        delivery: Deliver,
        settings: Settings,
    ) -> Response:
        services = (tickets, accounts, delivery, settings)
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        try:
            ticket = await run_in_threadpool(change, tickets, ticket_id, me, form)
        except HandoffError as error:
            return await ticket_page(request, ticket_id, services, str(error))
        problem = await tell(delivery, ticket)
        if problem:
            return await ticket_page(request, ticket_id, services, problem)
        return redirect(to.format(ticket_id=ticket_id), done)


for _path, (_change, _tell, _done, _to) in CHANGES.items():
    _change_route(_path, _change, _tell, _done, _to)
