"""SQLAlchemy models of the console database (1.4 API, declarative).

Times are naive UTC (`utcnow()`): SQLite has no time zones, and one convention for both SQLite
and PostgreSQL keeps comparisons simple.
"""

from __future__ import annotations

import enum
from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declarative_base, relationship

# Named constraints: Alembic can then alter them on PostgreSQL and in SQLite batch mode.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
Base = declarative_base(metadata=MetaData(naming_convention=NAMING))


def utcnow() -> datetime:
    """The current time as naive UTC, the form every column stores."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Role(str, enum.Enum):
    """What a staff member may do; each role includes the ones before it."""

    worker = "worker"
    supervisor = "supervisor"
    admin = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class TicketStatus(str, enum.Enum):
    waiting = "waiting"
    claimed = "claimed"
    closed = "closed"
    returned = "returned"  # given back to the bot
    cancelled = "cancelled"  # the resident went back to the bot (or left a contact instead)


class ContactKind(str, enum.Enum):
    phone = "phone"
    email = "email"


class CallbackStatus(str, enum.Enum):
    new = "new"
    done = "done"


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    # Plain VARCHAR with a CHECK: no PostgreSQL ENUM type to migrate when a value is added.
    return Enum(kind, name=name, native_enum=False, create_constraint=True, length=16)


class Staff(Base):
    """A console account. Passwords are stored only as argon2 hashes."""

    __tablename__ = "staff"

    id: Mapped[int] = Column(Integer, primary_key=True)
    login: Mapped[str] = Column(String(64), nullable=False, unique=True)
    first_name: Mapped[str] = Column(String(100), nullable=False)
    role: Mapped[Role] = Column(_enum(Role, "staff_role"), nullable=False, default=Role.worker)
    password_hash: Mapped[str] = Column(String(255), nullable=False)
    failed_attempts: Mapped[int] = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime, nullable=True)
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow)
    # Every cookie carries the version it was issued with; logout and a password change raise
    # it, so a copied or stolen cookie stops working at once (server-side revocation).
    session_version: Mapped[int] = Column(Integer, nullable=False, default=0, server_default="0")


class LoginThrottle(Base):
    """Failed logins per client address, and per address and login (not per account).

    An attacker can block only their own address, never a colleague's login; an unknown login
    is counted like a known one, so the answers tell nobody which logins exist. `key` is a hash
    (no addresses or logins stored in clear); rows older than the window are deleted.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = Column(String(64), primary_key=True)
    failures: Mapped[int] = Column(Integer, nullable=False, default=0)
    window_start: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow)
    blocked_until = Column(DateTime, nullable=True)


class Ticket(Base):
    """A conversation handed over to a person, from waiting to closed or back to the bot."""

    __tablename__ = "handoff_ticket"

    id: Mapped[int] = Column(Integer, primary_key=True)
    conversation_id: Mapped[str] = Column(String(128), nullable=False, index=True)
    channel: Mapped[str] = Column(String(32), nullable=False)  # "web", "facebook"
    summary: Mapped[str] = Column(Text, nullable=False, default="")
    topic = Column(String(100), nullable=True)
    district = Column(String(100), nullable=True)
    branch = Column(String(200), nullable=True)
    status: Mapped[TicketStatus] = Column(
        _enum(TicketStatus, "ticket_status"),
        nullable=False,
        default=TicketStatus.waiting,
        index=True,
    )
    claimed_by: Mapped[int | None] = Column(ForeignKey("staff.id"), nullable=True)
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow)
    claimed_at = Column(DateTime, nullable=True)
    closed_at = Column(DateTime, nullable=True)

    # Loaded with the ticket, by a second SELECT … WHERE id IN (…) rather than a LEFT OUTER JOIN:
    # PostgreSQL refuses `SELECT … FOR UPDATE` (TicketService.cancel) on the nullable side of an
    # outer join, which joined loading would add to every query of tickets.
    claimant = relationship(Staff, lazy="selectin", uselist=False)


class CallbackRequest(Base):
    """A resident's request to be called or written back, only with their consent."""

    __tablename__ = "callback_request"

    id: Mapped[int] = Column(Integer, primary_key=True)
    ticket_id: Mapped[int | None] = Column(ForeignKey("handoff_ticket.id"), nullable=True)
    conversation_id = Column(String(128), nullable=True)
    channel = Column(String(32), nullable=True)  # "web", "facebook"
    summary: Mapped[str] = Column(
        Text, nullable=False, default=""
    )  # the resident's one-line description
    contact_kind: Mapped[ContactKind] = Column(_enum(ContactKind, "contact_kind"), nullable=False)
    contact_value: Mapped[str] = Column(String(200), nullable=False)
    consent_given: Mapped[bool] = Column(Boolean, nullable=False)
    status: Mapped[CallbackStatus] = Column(
        _enum(CallbackStatus, "callback_status"), nullable=False, default=CallbackStatus.new
    )
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow)
    done_at = Column(DateTime, nullable=True)
    done_by: Mapped[int | None] = Column(ForeignKey("staff.id"), nullable=True)
    # The worker who said "Biorę": only they (and supervisors) see the contact, so two workers
    # do not call the same resident.
    taken_by: Mapped[int | None] = Column(ForeignKey("staff.id"), nullable=True)
    taken_at = Column(DateTime, nullable=True)

    # A second SELECT, as Ticket.claimant (no outer join in the list's query).
    taker = relationship(Staff, foreign_keys=[taken_by], lazy="selectin", uselist=False)


class AuditEntry(Base):
    """Who did what to which object, and when; never the text of a message."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = Column(Integer, primary_key=True)
    actor_id: Mapped[int | None] = Column(
        ForeignKey("staff.id"), nullable=True
    )  # None: the system or the bot
    action: Mapped[str] = Column(String(64), nullable=False)
    target: Mapped[str] = Column(String(200), nullable=False, default="")  # "ticket:12", "staff:3"
    at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)


# --- conversation review (bot/review) -------------------------------------------------------


class ReviewConversation(Base):
    """One conversation of Rasa's tracker store, summarised for the review list's filters.

    Built incrementally from the tracker's events (`bot.review.conversations`); holds no text but
    `preview` and `search_text`, both masked, so the index itself exposes no personal data.
    """

    __tablename__ = "review_conversation"

    id: Mapped[int] = Column(Integer, primary_key=True)
    conversation_id: Mapped[str] = Column(
        String(255), nullable=False, unique=True
    )  # Rasa's sender_id
    channel: Mapped[str] = Column(String(32), nullable=False, default="")
    started_at: Mapped[datetime] = Column(DateTime, nullable=False)
    last_at: Mapped[datetime] = Column(DateTime, nullable=False)
    user_messages: Mapped[int] = Column(Integer, nullable=False, default=0)
    intents: Mapped[str] = Column(Text, nullable=False, default=",")  # ",greet,inform_address,"
    min_confidence = Column(Float, nullable=True)
    fallback: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    district = Column(String(100), nullable=True)
    preview: Mapped[str] = Column(String(200), nullable=False, default="")  # first message, masked
    search_text: Mapped[str] = Column(
        Text, nullable=False, default=""
    )  # residents' messages, masked, folded
    reviewed_at = Column(DateTime, nullable=True)
    reviewed_by: Mapped[int | None] = Column(ForeignKey("staff.id"), nullable=True)

    __table_args__ = (Index("ix_review_conversation_last_at_id", "last_at", "id"),)


class ReviewSync(Base):
    """How far the review index has read the tracker's events (one row, id 1)."""

    __tablename__ = "review_sync"

    id: Mapped[int] = Column(Integer, primary_key=True)
    last_event_id: Mapped[int] = Column(Integer, nullable=False, default=0)


class ReviewFlag(Base):
    """„The assistant misunderstood this”: a resident message and the intent it should have."""

    __tablename__ = "review_flag"

    id: Mapped[int] = Column(Integer, primary_key=True)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    event_id: Mapped[int] = Column(
        Integer, nullable=False
    )  # the tracker's events.id of the user message
    correct_intent: Mapped[str] = Column(String(100), nullable=False)
    flagged_by: Mapped[int | None] = Column(ForeignKey("staff.id"), nullable=True)
    flagged_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("event_id", name="uq_review_flag_event_id"),)


class ReviewNote(Base):
    """A staff note or tag on a conversation (tag: short `tag`, empty `text`)."""

    __tablename__ = "review_note"

    id: Mapped[int] = Column(Integer, primary_key=True)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    tag = Column(String(64), nullable=True, index=True)
    text: Mapped[str] = Column(Text, nullable=False, default="")
    author_id: Mapped[int | None] = Column(ForeignKey("staff.id"), nullable=True)
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow)
