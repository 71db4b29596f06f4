"""Staff accounts: login with lockout, creating accounts, switching them off."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.console.config import ConsoleSettings
from bot.console.formatting import local_time
from bot.console.security import hash_password, verify_password
from bot.handoff import Actor
from bot.storage import audit
from bot.storage.db import Database
from bot.storage.models import Role, Staff, utcnow

BAD_CREDENTIALS = "Nieprawidłowy login lub hasło."


class AccountError(Exception):
    """An account change that cannot be made; the message is for the person (Polish)."""


@dataclass(frozen=True)
class StaffView:
    id: int
    login: str
    first_name: str
    role: str
    active: bool
    locked_until: datetime | None

    @property
    def actor(self) -> Actor:
        return Actor(self.id, Role(self.role))


def _view(staff: Staff) -> StaffView:
    return StaffView(
        staff.id,
        staff.login,
        staff.first_name,
        Role(staff.role).value,
        staff.active,
        staff.locked_until,
    )


@dataclass(frozen=True)
class LoginResult:
    staff: StaffView | None
    error: str | None = None


class AccountService:
    def __init__(
        self, db: Database, settings: ConsoleSettings, now: Callable[[], datetime] = utcnow
    ) -> None:
        self.db = db
        self.settings = settings
        self.now = now

    def authenticate(self, login: str, password: str) -> LoginResult:
        """Check a password; the fifth failure in a row locks the account for 15 minutes.

        A locked account is refused without checking the password, so guessing on stops."""
        with self.db.transaction() as session:
            staff = session.scalar(
                select(Staff).where(Staff.login == login.strip()).with_for_update()
            )
            now = self.now()
            if staff is not None and staff.locked_until and staff.locked_until > now:
                audit.record(session, staff.id, "login.refused_locked", f"staff:{staff.id}")
                return LoginResult(None, _locked_message(staff.locked_until))
            if not verify_password(staff.password_hash if staff else None, password):
                if staff is None:
                    audit.record(session, None, "login.unknown_account")
                    return LoginResult(None, BAD_CREDENTIALS)
                return LoginResult(None, self._count_failure(session, staff, now))
            if not staff.active:
                audit.record(session, staff.id, "login.refused_inactive", f"staff:{staff.id}")
                return LoginResult(None, "To konto jest wyłączone. Proszę zwrócić się do admina.")
            staff.failed_attempts, staff.locked_until = 0, None
            audit.record(session, staff.id, "login.ok", f"staff:{staff.id}")
            return LoginResult(_view(staff))

    def _count_failure(self, session: Session, staff: Staff, now: datetime) -> str:
        staff.failed_attempts = (staff.failed_attempts or 0) + 1
        audit.record(session, staff.id, "login.failed", f"staff:{staff.id}")
        if staff.failed_attempts < self.settings.max_failed_logins:
            return BAD_CREDENTIALS
        staff.failed_attempts = 0
        staff.locked_until = now + timedelta(minutes=self.settings.lockout_minutes)
        audit.record(session, staff.id, "login.locked", f"staff:{staff.id}")
        return _locked_message(staff.locked_until)

    def get(self, staff_id: int) -> StaffView | None:
        with self.db.sessions() as session:
            staff = session.get(Staff, staff_id)
            return _view(staff) if staff else None

    def list(self) -> list[StaffView]:
        with self.db.sessions() as session:
            return [_view(s) for s in session.scalars(select(Staff).order_by(Staff.login))]

    def count(self) -> int:
        with self.db.sessions() as session:
            return session.scalar(select(func.count(Staff.id))) or 0

    def create(
        self, login: str, first_name: str, role: Role, password: str, actor: Actor | None
    ) -> StaffView:
        """A new account; `actor` None means the create-admin command."""
        login, first_name = login.strip(), first_name.strip()
        if not login or len(login) > 64 or not first_name:
            raise AccountError("Proszę podać login (do 64 znaków) i imię.")
        if len(password) < self.settings.min_password_chars:
            raise AccountError(
                f"Hasło musi mieć co najmniej {self.settings.min_password_chars} znaków."
            )
        with self.db.transaction() as session:
            if session.scalar(select(Staff.id).where(Staff.login == login)) is not None:
                raise AccountError("Konto o tym loginie już istnieje.")
            staff = Staff(
                login=login,
                first_name=first_name,
                role=Role(role),
                password_hash=hash_password(password),
                failed_attempts=0,
                active=True,
                created_at=self.now(),
            )
            session.add(staff)
            session.flush()
            audit.record(session, actor.id if actor else None, "staff.created", f"staff:{staff.id}")
            return _view(staff)

    def set_active(self, staff_id: int, active: bool, actor: Actor) -> None:
        if staff_id == actor.id and not active:
            raise AccountError("Nie można wyłączyć własnego konta.")
        with self.db.transaction() as session:
            staff = session.get(Staff, staff_id)
            if staff is None:
                raise AccountError("Nie ma takiego konta.")
            staff.active = active
            if active:
                staff.failed_attempts, staff.locked_until = 0, None
            action = "staff.activated" if active else "staff.deactivated"
            audit.record(session, actor.id, action, f"staff:{staff_id}")


def _locked_message(until: datetime) -> str:
    return (
        "Zbyt wiele nieudanych prób logowania. Konto jest czasowo zablokowane; "
        f"proszę spróbować ponownie po godz. {local_time(until):%H:%M}."
    )
