"""Call-back requests: the resident left a phone number or e-mail address, with consent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from bot.handoff.tickets import HandoffError
from bot.storage import audit
from bot.storage.db import Database, changed_rows
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

    def count_new(self) -> int:
        """How many requests wait for a call (the queue's badge)."""
        with self.db.sessions() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(CallbackRequest)
                    .where(CallbackRequest.status == CallbackStatus.new)
                )
                or 0
            )

    def mark_done(self, callback_id: int, actor: Actor) -> None:
        with self.db.transaction() as session:
            changed = changed_rows(
                session,
                update(CallbackRequest)
                .where(
                    CallbackRequest.id == callback_id,
                    CallbackRequest.status == CallbackStatus.new,
                )
                .values(status=CallbackStatus.done, done_at=self.now(), done_by=actor.id)
                .execution_options(synchronize_session=False),
            )
            if changed != 1:
                raise HandoffError("Ta prośba o kontakt jest już załatwiona albo nie istnieje.")
            audit.record(session, actor.id, "callback.done", f"callback:{callback_id}")
