"""What the console's routes share: their pages, their services (FastAPI dependencies), and who
may see a resident's personal data.

Workers see residents' personal data (phone numbers, e-mails, …) only in the tickets they handle
and the call-back requests they took; in the queue, in colleagues' tickets and in call-backs
nobody (or a colleague) took it is masked. Supervisors and admins see it everywhere.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request

from bot.console.accounts import AccountService
from bot.console.config import ConsoleSettings
from bot.console.delivery import Delivery
from bot.console.service import Console
from bot.handoff import CallbackService, CallbackView, TicketService
from bot.handoff.tickets import TicketView
from bot.masking import LABELS, mask
from bot.staff_labels import staff_labels
from bot.staffweb import Pages
from bot.storage.identity import StaffView
from bot.storage.models import TicketStatus

DONE = staff_labels("console_done")
STATUS_TEXT = staff_labels("ticket_status", (status.value for status in TicketStatus))
PAGES = Pages(Path(__file__).resolve().parents[1] / "templates", DONE, status_text=STATUS_TEXT)


def console(request: Request) -> Console:
    """The console's services of this app (built by bot.app)."""
    return request.app.state.console


def settings(request: Request) -> ConsoleSettings:
    return console(request).settings


def accounts(request: Request) -> AccountService:
    return console(request).accounts


def tickets(request: Request) -> TicketService:
    return console(request).tickets


def callbacks(request: Request) -> CallbackService:
    return console(request).callbacks


def delivery(request: Request) -> Delivery:
    return console(request).delivery


Settings = Annotated[ConsoleSettings, Depends(settings)]
Accounts = Annotated[AccountService, Depends(accounts)]
Tickets = Annotated[TicketService, Depends(tickets)]
Callbacks = Annotated[CallbackService, Depends(callbacks)]
Deliver = Annotated[Delivery, Depends(delivery)]


def sees_personal_data(me: StaffView, handler: int | None) -> bool:
    """A worker sees personal data in what they handle (`handler`: who claimed the ticket or
    took the call-back, if anyone); supervisors and admins in all."""
    return me.actor.supervises or handler == me.id


def as_seen_by(me: StaffView, ticket: TicketView) -> TicketView:
    if sees_personal_data(me, ticket.claimed_by):
        return ticket
    return replace(ticket, summary=mask(ticket.summary))


def transcript_seen_by(
    me: StaffView, ticket: TicketView, transcript: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    if sees_personal_data(me, ticket.claimed_by):
        return transcript
    return [{**m, "text": mask(m.get("text"))} for m in transcript]


def callback_seen_by(me: StaffView, callback: CallbackView) -> CallbackView:
    """The contact is personal data as a whole: when masking finds nothing in it (an unusual
    spelling of a number), it is hidden behind its kind's label all the same."""
    if sees_personal_data(me, callback.taken_by):
        return callback
    contact = mask(callback.contact_value)
    if contact == callback.contact_value:
        contact = LABELS[callback.contact_kind]
    return replace(callback, contact_value=contact, summary=mask(callback.summary))
