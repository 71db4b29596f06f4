"""The handoff ticket service: open, queue, claim, transfer, give back, close.

Every change is one conditional UPDATE (`... WHERE status = ...`), so two workers acting on the
same ticket at the same moment cannot both succeed: the database decides, not the Python code.
Each change writes an audit entry in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Update

from bot.storage import audit
from bot.storage.db import Database, changed_rows
from bot.storage.identity import Actor
from bot.storage.models import Staff, Ticket, TicketStatus, utcnow

ACTIVE = (TicketStatus.waiting, TicketStatus.claimed)


class HandoffError(Exception):
    """A change that cannot be made; the message is meant for the worker (Polish)."""


def change_one(session: Session, statement: Update, why_not: Callable[[], str]) -> None:
    """Run a conditional UPDATE meant for exactly one row: of simultaneous changes the database
    lets one through. When no row changed, `why_not()` (read after the update) tells why."""
    changed = changed_rows(session, statement.execution_options(synchronize_session=False))
    if changed != 1:
        raise HandoffError(why_not())


def by_handler(statement: Update, handler: Any, actor: Actor) -> Update:
    """Limit a change to rows whose `handler` column is `actor`; supervisors act on any."""
    return statement if actor.supervises else statement.where(handler == actor.id)


@dataclass(frozen=True)
class TicketView:
    """A ticket as the console shows it, with how long the resident has been waiting."""

    id: int
    conversation_id: str
    channel: str
    summary: str
    topic: str | None
    district: str | None
    branch: str | None
    status: str
    claimed_by: int | None
    claimed_by_name: str | None
    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None
    waiting_seconds: int

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("created_at", "claimed_at", "closed_at"):
            data[key] = data[key].isoformat() + "Z" if data[key] else None
        return data


def _view(ticket: Ticket, now: datetime) -> TicketView:
    until = ticket.claimed_at or ticket.closed_at or now
    return TicketView(
        id=ticket.id,
        conversation_id=ticket.conversation_id,
        channel=ticket.channel,
        summary=ticket.summary,
        topic=ticket.topic,
        district=ticket.district,
        branch=ticket.branch,
        status=TicketStatus(ticket.status).value,
        claimed_by=ticket.claimed_by,
        claimed_by_name=ticket.claimant.first_name if ticket.claimant else None,
        created_at=ticket.created_at,
        claimed_at=ticket.claimed_at,
        closed_at=ticket.closed_at,
        waiting_seconds=max(0, int((until - ticket.created_at).total_seconds())),
    )


class TicketService:
    """Tickets in the console database; `now` is injectable for tests of waiting times."""

    def __init__(self, db: Database, now: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.now = now

    def open(
        self,
        conversation_id: str,
        channel: str,
        summary: str = "",
        topic: str | None = None,
        district: str | None = None,
        branch: str | None = None,
    ) -> TicketView:
        """A new waiting ticket (called when the resident asks for a person)."""
        with self.db.transaction() as session:
            ticket = Ticket(
                conversation_id=conversation_id,
                channel=channel,
                summary=summary,
                topic=topic,
                district=district,
                branch=branch,
                status=TicketStatus.waiting,
                created_at=self.now(),
            )
            session.add(ticket)
            session.flush()
            audit.record(session, None, "ticket.opened", f"ticket:{ticket.id}")
            return _view(ticket, self.now())

    def get(self, ticket_id: int) -> TicketView | None:
        with self.db.sessions() as session:
            ticket = session.get(Ticket, ticket_id)
            return _view(ticket, self.now()) if ticket else None

    def queue(self) -> list[TicketView]:
        """Open tickets: waiting ones first, then claimed ones, oldest first in each group."""
        with self.db.sessions() as session:
            tickets = session.scalars(
                select(Ticket).where(Ticket.status.in_(ACTIVE)).order_by(Ticket.created_at)
            ).all()
            views = [_view(ticket, self.now()) for ticket in tickets]
        return sorted(views, key=lambda v: (v.status != TicketStatus.waiting.value, v.created_at))

    def active_for(self, conversation_id: str) -> TicketView | None:
        """The conversation's waiting or claimed ticket, if it has one (the newest)."""
        with self.db.sessions() as session:
            ticket = session.scalars(
                select(Ticket)
                .where(Ticket.conversation_id == conversation_id, Ticket.status.in_(ACTIVE))
                .order_by(Ticket.created_at.desc(), Ticket.id.desc())
                .limit(1)
            ).first()
            return _view(ticket, self.now()) if ticket else None

    def has_active(self, conversation_id: str) -> bool:
        """Whether the conversation waits for or talks to a worker: one indexed lookup, asked
        for every message a channel passes on."""
        query = select(Ticket.id).where(
            Ticket.conversation_id == conversation_id, Ticket.status.in_(ACTIVE)
        )
        with self.db.engine.connect() as connection:
            return connection.execute(query.limit(1)).first() is not None

    def position(self, ticket: TicketView) -> int:
        """The place of a waiting ticket in the queue: 1 is next (claimed ones do not count)."""
        with self.db.sessions() as session:
            ahead = session.scalar(
                select(func.count(Ticket.id)).where(
                    Ticket.status == TicketStatus.waiting,
                    (Ticket.created_at < ticket.created_at)
                    | ((Ticket.created_at == ticket.created_at) & (Ticket.id < ticket.id)),
                )
            )
        return int(ahead or 0) + 1

    def cancel(self, conversation_id: str, reason: str = "resident") -> TicketView | None:
        """The resident goes back to the bot (or leaves a contact instead): the ticket ends.

        Returns the cancelled ticket, or None when the conversation had none open; a ticket a
        worker claimed is cancelled too (the worker's page then says the resident has left).
        """
        with self.db.transaction() as session:
            ticket = session.scalars(
                select(Ticket)
                .where(Ticket.conversation_id == conversation_id, Ticket.status.in_(ACTIVE))
                .with_for_update()
            ).first()
            if ticket is None:
                return None
            ticket.status = TicketStatus.cancelled
            ticket.closed_at = self.now()
            audit.record(session, None, f"ticket.cancelled.{reason}", f"ticket:{ticket.id}")
            ticket_id = ticket.id
        return self._fresh(ticket_id)

    def claim(self, ticket_id: int, actor: Actor) -> TicketView:
        """Take a waiting ticket; exactly one of several simultaneous claims succeeds."""
        values = {"status": TicketStatus.claimed, "claimed_by": actor.id, "claimed_at": self.now()}
        with self.db.transaction() as session:
            change_one(
                session,
                update(Ticket)
                .where(Ticket.id == ticket_id, Ticket.status == TicketStatus.waiting)
                .values(**values),
                lambda: self._why_not(session, ticket_id, actor),
            )
            audit.record(session, actor.id, "ticket.claimed", f"ticket:{ticket_id}")
        return self._fresh(ticket_id)

    def transfer(self, ticket_id: int, actor: Actor, to_staff_id: int) -> TicketView:
        """Hand a claimed ticket to another active worker."""
        with self.db.transaction() as session:
            target = session.get(Staff, to_staff_id)
            if target is None or not target.active:
                raise HandoffError("Nie można przekazać zgłoszenia: nie ma takiej aktywnej osoby.")
            self._change(
                session,
                ticket_id,
                actor,
                (TicketStatus.claimed,),
                {"claimed_by": to_staff_id, "claimed_at": self.now()},
            )
            audit.record(
                session, actor.id, "ticket.transferred", f"ticket:{ticket_id} -> staff:{target.id}"
            )
        return self._fresh(ticket_id)

    def give_back(self, ticket_id: int, actor: Actor) -> TicketView:
        """Return the conversation to the bot (the resident's matter needs no person any more)."""
        values = {"status": TicketStatus.returned, "closed_at": self.now()}
        return self._finish(ticket_id, actor, values, "ticket.returned")

    def close(self, ticket_id: int, actor: Actor) -> TicketView:
        """The worker has dealt with the matter."""
        values = {"status": TicketStatus.closed, "closed_at": self.now()}
        return self._finish(ticket_id, actor, values, "ticket.closed")

    def ensure_handles(self, ticket_id: int, actor: Actor) -> TicketView:
        """The ticket, if `actor` may write in it now (its worker, or a supervisor)."""
        view = self.get(ticket_id)
        if view is None:
            raise HandoffError("Nie ma takiego zgłoszenia.")
        if view.status != TicketStatus.claimed.value:
            raise HandoffError(
                "Najpierw proszę przejąć zgłoszenie."
                if view.status == TicketStatus.waiting.value
                else "To zgłoszenie jest już zakończone."
            )
        if view.claimed_by != actor.id and not actor.supervises:
            raise HandoffError(f"To zgłoszenie prowadzi już inna osoba ({view.claimed_by_name}).")
        return view

    def note(self, ticket_id: int, actor: Actor, action: str) -> None:
        """An audit entry for something done in a ticket outside this service (a reply)."""
        with self.db.transaction() as session:
            audit.record(session, actor.id, action, f"ticket:{ticket_id}")

    def _finish(
        self, ticket_id: int, actor: Actor, values: dict[str, Any], action: str
    ) -> TicketView:
        with self.db.transaction() as session:
            self._change(session, ticket_id, actor, ACTIVE, values)
            audit.record(session, actor.id, action, f"ticket:{ticket_id}")
        return self._fresh(ticket_id)

    def _change(
        self,
        session: Session,
        ticket_id: int,
        actor: Actor,
        allowed: tuple[TicketStatus, ...],
        values: dict[str, Any],
    ) -> None:
        """A conditional update: only the ticket's worker (or a supervisor) and only from
        `allowed` statuses; the reason is explained when no row changed."""
        # A supervisor may act on anyone's ticket, or a waiting one.
        query = update(Ticket).where(Ticket.id == ticket_id, Ticket.status.in_(allowed))
        change_one(
            session,
            by_handler(query, Ticket.claimed_by, actor).values(**values),
            lambda: self._why_not(session, ticket_id, actor),
        )

    @staticmethod
    def _why_not(session: Session, ticket_id: int, actor: Actor) -> str:
        ticket = session.get(Ticket, ticket_id, populate_existing=True)
        if ticket is None:
            return "Nie ma takiego zgłoszenia."
        if ticket.status not in ACTIVE:
            return "To zgłoszenie jest już zakończone."
        if ticket.status == TicketStatus.waiting:
            return "Najpierw proszę przejąć zgłoszenie."
        if ticket.claimed_by == actor.id:
            return "To zgłoszenie jest już przypisane do tego konta."
        name = ticket.claimant.first_name if ticket.claimant else "inna osoba"
        return f"To zgłoszenie prowadzi już inna osoba ({name})."

    def _fresh(self, ticket_id: int) -> TicketView:
        view = self.get(ticket_id)
        assert view is not None  # it was just changed
        return view
