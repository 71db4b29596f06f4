"""Staff accounts: login with throttling per address, creating accounts, passwords, switching off.

Failed logins are counted per client address and per address and login, never per account: a
stranger who types an admin's login wrong twenty times blocks their own address, not the admin.
Every failure, for a login that exists or not, costs one argon2 verification and gets the same
message; a blocked address is refused before any verification, whatever the login.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.clock import LOCAL_ZONE
from bot.console.config import ConsoleSettings
from bot.console.security import hash_password, password_problem, verify_password
from bot.storage import audit
from bot.storage.db import Database, changed_rows
from bot.storage.identity import Actor, StaffView
from bot.storage.models import LoginThrottle, Role, Staff, utcnow

BAD_CREDENTIALS = "Nieprawidłowy login lub hasło."


class AccountError(Exception):
    """An account change that cannot be made; the message is for the person (Polish)."""


def _view(staff: Staff) -> StaffView:
    return StaffView(
        staff.id,
        staff.login,
        staff.first_name,
        Role(staff.role).value,
        staff.active,
        staff.locked_until,
        staff.session_version or 0,
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

    def authenticate(self, login: str, password: str, ip: str = "-") -> LoginResult:
        """Check a password from the client address `ip`.

        The fifth failure for one login from one address blocks that pair for 15 minutes, the
        twentieth failure from one address (any logins) blocks the address; the right password
        does not help while blocked, so guessing stops. argon2 runs outside the transaction.
        """
        login = login.strip()
        keys = (_key("ip", ip), _key("pair", ip, login.casefold()))
        with self.db.sessions() as session:
            blocked = self._blocked_until(session, keys)
            staff = session.scalar(select(Staff).where(Staff.login == login))
        if blocked is not None:
            with self.db.transaction() as session:
                target = f"staff:{staff.id}" if staff else ""
                audit.record(session, staff.id if staff else None, "login.refused_locked", target)
            return LoginResult(None, _locked_message(blocked))
        if not verify_password(staff.password_hash if staff else None, password):
            return LoginResult(None, self._count_failure(keys, staff))
        if not staff.active:
            with self.db.transaction() as session:
                audit.record(session, staff.id, "login.refused_inactive", f"staff:{staff.id}")
            return LoginResult(None, "To konto jest wyłączone. Proszę zwrócić się do admina.")
        with self.db.transaction() as session:
            session.execute(delete(LoginThrottle).where(LoginThrottle.key == keys[1]))
            audit.record(session, staff.id, "login.ok", f"staff:{staff.id}")
        return LoginResult(_view(staff))

    def _blocked_until(self, session: Session, keys: tuple[str, ...]) -> datetime | None:
        now = self.now()
        rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)))
        until = [r.blocked_until for r in rows if r.blocked_until and r.blocked_until > now]
        return max(until) if until else None

    def _count_failure(self, keys: tuple[str, str], staff: Staff | None) -> str:
        """Count one failure for the address and for the pair; block what reached its limit."""
        now, settings = self.now(), self.settings
        window = timedelta(minutes=settings.lockout_minutes)
        limits = {keys[0]: settings.max_failed_logins_per_ip, keys[1]: settings.max_failed_logins}
        blocked: datetime | None = None
        with self.db.transaction() as session:
            stale = LoginThrottle.window_start < now - window
            done = LoginThrottle.blocked_until.is_(None) | (LoginThrottle.blocked_until < now)
            session.execute(delete(LoginThrottle).where(stale & done))
            for key, limit in limits.items():
                counted = changed_rows(
                    session,
                    update(LoginThrottle)
                    .where(LoginThrottle.key == key)
                    .values(failures=LoginThrottle.failures + 1),
                )
                if counted == 0:
                    session.add(LoginThrottle(key=key, failures=1, window_start=now))
                    session.flush()
                row = session.get(LoginThrottle, key)
                if row is not None and row.failures >= limit and not row.blocked_until:
                    row.blocked_until = blocked = now + window
            target = f"staff:{staff.id}" if staff else ""
            if staff is None:
                audit.record(session, None, "login.unknown_account")
            else:
                audit.record(session, staff.id, "login.failed", target)
            if blocked is not None:
                audit.record(session, staff.id if staff else None, "login.locked", target)
        return _locked_message(blocked) if blocked else BAD_CREDENTIALS

    def revoke_sessions(self, staff_id: int, action: str = "logout") -> int:
        """End every session of the account (cookies carry the old version); the new version."""
        with self.db.transaction() as session:
            session.execute(
                update(Staff)
                .where(Staff.id == staff_id)
                .values(session_version=Staff.session_version + 1)
            )
            audit.record(session, staff_id, action, f"staff:{staff_id}")
            return session.scalar(select(Staff.session_version).where(Staff.id == staff_id)) or 0

    def change_password(self, staff_id: int, current: str, new: str, repeated: str) -> int:
        """A new password for one's own account; every other session ends. The new version."""
        with self.db.sessions() as session:
            staff = session.get(Staff, staff_id)
        if staff is None or not verify_password(staff.password_hash, current):
            raise AccountError("Obecne hasło jest nieprawidłowe.")
        if new != repeated:
            raise AccountError("Nowe hasła nie są takie same.")
        if new == current:
            raise AccountError("Nowe hasło musi być inne niż obecne.")
        problem = password_problem(new, self.settings.min_password_chars, staff.login)
        problem = problem or password_problem(new, 0, staff.first_name)
        if problem:
            raise AccountError(problem)
        new_hash = hash_password(new)
        with self.db.transaction() as session:
            session.execute(
                update(Staff)
                .where(Staff.id == staff_id)
                .values(password_hash=new_hash, session_version=Staff.session_version + 1)
            )
            audit.record(session, staff_id, "staff.password_changed", f"staff:{staff_id}")
            return session.scalar(select(Staff.session_version).where(Staff.id == staff_id)) or 0

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
        problem = password_problem(password, self.settings.min_password_chars, login, first_name)
        if problem:
            raise AccountError(problem)
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


def _key(*parts: str) -> str:
    """A throttle row's key: a hash, so the table holds no address or login in clear."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _locked_message(until: datetime) -> str:
    """`until` is naive UTC, as stored; the message shows Kraków's time."""
    local = until.replace(tzinfo=timezone.utc).astimezone(LOCAL_ZONE)
    return (
        "Zbyt wiele nieudanych prób logowania. Konto jest czasowo zablokowane dla logowania "
        f"z tego adresu; proszę spróbować ponownie po godz. {local:%H:%M}."
    )
