"""Passwords (argon2id), the signed session cookie and CSRF tokens.

The cookie holds only the staff id and the CSRF token, signed and time-limited; the account is
read from the database on every request, so a deactivated account is out at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "mops_console"
COOKIE_PATH = "/console"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Checked when the login does not exist, so a wrong login costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class CookieSession:
    """What the cookie says: a CSRF token always, a staff id once logged in."""

    csrf: str
    staff_id: int | None = None

    @classmethod
    def anonymous(cls) -> CookieSession:
        return cls(csrf=secrets.token_urlsafe(32))

    def csrf_matches(self, token: str | None) -> bool:
        return bool(token) and secrets.compare_digest(self.csrf.encode(), str(token).encode())


class CookieSigner:
    """Signs and checks the session cookie; an old, altered or foreign cookie reads as None."""

    def __init__(self, secret_key: str, max_age_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="mops-console-session")
        self.max_age = max_age_seconds

    def dumps(self, session: CookieSession) -> str:
        return self._serializer.dumps({"csrf": session.csrf, "staff": session.staff_id})

    def loads(self, value: str | None) -> CookieSession | None:
        if not value:
            return None
        try:
            data = self._serializer.loads(value, max_age=self.max_age)
        except BadSignature:  # includes SignatureExpired
            return None
        if not isinstance(data, dict) or not isinstance(data.get("csrf"), str):
            return None
        staff = data.get("staff")
        return CookieSession(data["csrf"], staff if isinstance(staff, int) else None)
