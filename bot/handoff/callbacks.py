"""Call-back requests: the resident left a phone number or e-mail address, with consent.

A worker takes one ("Biorę") before calling, so two workers do not call the same resident; the
take is one conditional UPDATE, as a ticket's claim (bot.handoff.tickets), so of two workers
clicking at once exactly one gets it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.handoff.tickets import HandoffError, by_handler, change_one
from bot.storage import audit
from bot.storage.db import Database
from bot.storage.identity import Actor
from bot.storage.models import CallbackRequest, CallbackStatus, ContactKind, utcnow


@dataclass(frozen=True)
class CallbackView:
    id: int
    ticket_id: int | None
    conversation_id: str | None
    channel: str | None
    summary: str
    contact_kind: str
    contact_value: str
    status: str
    created_at: datetime
    done_at: datetime | None
    taken_by: int | None = None
    taken_by_name: str | None = None
    taken_at: datetime | None = None


def _view(row: CallbackRequest) -> CallbackView:
    return CallbackView(
        id=row.id,
        ticket_id=row.ticket_id,
        conversation_id=row.conversation_id,
        channel=row.channel,
        summary=row.summary or "",
        contact_kind=ContactKind(row.contact_kind).value,
        contact_value=row.contact_value,
        status=CallbackStatus(row.status).value,
        created_at=row.created_at,
        done_at=row.done_at,
        taken_by=row.taken_by,
        taken_by_name=row.taker.first_name if row.taker else None,
        taken_at=row.taken_at,
    )


class CallbackService:
    def __init__(self, db: Database, now: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.now = now

    def request(
        self,
        kind: ContactKind,
        value: str,
        consent_given: bool,
        ticket_id: int | None = None,
        conversation_id: str | None = None,
        channel: str | None = None,
        summary: str = "",
    ) -> CallbackView:
        """Store a request; without consent the contact must not be stored at all."""
        if not consent_given:
            raise HandoffError("Bez zgody nie zapisujemy danych kontaktowych.")
        if ticket_id is None and not conversation_id:
            raise HandoffError("Prośba o kontakt musi dotyczyć zgłoszenia albo rozmowy.")
        with self.db.transaction() as session:
            row = CallbackRequest(
                ticket_id=ticket_id,
                conversation_id=conversation_id,
                channel=channel,
                summary=summary.strip(),
                contact_kind=ContactKind(kind),
                contact_value=value.strip(),
                consent_given=True,
                status=CallbackStatus.new,
                created_at=self.now(),
            )
            session.add(row)
            session.flush()
            audit.record(session, None, "callback.requested", f"callback:{row.id}")
            return _view(row)

    def list(self) -> list[CallbackView]:
        """New requests first (oldest first: they have waited longest), then done ones."""
        with self.db.sessions() as session:
            rows = session.scalars(select(CallbackRequest).order_by(CallbackRequest.created_at))
            views = [_view(row) for row in rows]
        return sorted(views, key=lambda v: v.status != CallbackStatus.new.value)

    def get(self, callback_id: int) -> CallbackView | None:
        with self.db.sessions() as session:
            row = session.get(CallbackRequest, callback_id)
            return _view(row) if row else None

    def count_new(self) -> int:
        """How many requests nobody has taken yet (the queue's badge)."""
        with self.db.sessions() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(CallbackRequest)
                    .where(
                        CallbackRequest.status == CallbackStatus.new,
                        CallbackRequest.taken_by.is_(None),
                    )
                )
                or 0
            )

    def take(self, callback_id: int, actor: Actor) -> CallbackView:
        """Take a new request nobody has taken; exactly one of simultaneous takes succeeds."""
        with self.db.transaction() as session:
            change_one(
                session,
                update(CallbackRequest)
                .where(
                    CallbackRequest.id == callback_id,
                    CallbackRequest.status == CallbackStatus.new,
                    CallbackRequest.taken_by.is_(None),
                )
                .values(taken_by=actor.id, taken_at=self.now()),
                lambda: self._why_not(session, callback_id, actor),
            )
            audit.record(session, actor.id, "callback.taken", f"callback:{callback_id}")
        view = self.get(callback_id)
        assert view is not None  # it was just taken
        return view

    def mark_done(self, callback_id: int, actor: Actor) -> None:
        """Only the worker who took the request (or a supervisor) knows it has been dealt with."""
        query = update(CallbackRequest).where(
            CallbackRequest.id == callback_id, CallbackRequest.status == CallbackStatus.new
        )
        values = {"status": CallbackStatus.done, "done_at": self.now(), "done_by": actor.id}
        with self.db.transaction() as session:
            change_one(
                session,
                by_handler(query, CallbackRequest.taken_by, actor).values(**values),
                lambda: self._why_not(session, callback_id, actor),
            )
            audit.record(session, actor.id, "callback.done", f"callback:{callback_id}")

    @staticmethod
    def _why_not(session: Session, callback_id: int, actor: Actor) -> str:
        """Why a take or a "done" changed nothing, for the worker."""
        row = session.get(CallbackRequest, callback_id, populate_existing=True)
        if row is None:
            return "Nie ma takiej prośby o kontakt."
        if row.status != CallbackStatus.new:
            return "Ta prośba o kontakt jest już załatwiona."
        if row.taken_by is None:
            return "Najpierw proszę wziąć tę prośbę o kontakt."
        if row.taken_by == actor.id:
            return "Ta prośba o kontakt jest już przypisana do tego konta."
        name = row.taker.first_name if row.taker else "inna osoba"
        return f"Tą prośbą o kontakt zajmuje się już {name}."
