"""What the console's routes share: their pages, their services (FastAPI dependencies), and who
may see a resident's personal data.

Workers see residents' personal data (phone numbers, e-mails, …) only in the tickets they handle;
in the queue and in colleagues' tickets it is masked. Supervisors and admins see it everywhere.
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
from bot.handoff import CallbackService, TicketService
from bot.handoff.tickets import TicketView
from bot.masking import mask
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
