"""Passwords (argon2id, common ones refused), the signed session cookie and CSRF tokens.

The cookie holds only the staff id, the account's session version and the CSRF token, signed and
time-limited; the account is read from the database on every request, so a deactivated account,
a logout or a password change (both raise the version) ends the session at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from zxcvbn import zxcvbn

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


# zxcvbn's score: 3 means about 10^8 guesses or more ("safely unguessable" for an online attack
# that argon2 and the login throttle slow down). Below it: common passwords (zxcvbn's bundled list
# of 30 000 from breaches), repeats (111111111111), keyboard runs, dictionary words, dates.
MIN_STRENGTH = 3
_WEAK = (
    "To hasło łatwo odgadnąć (popularne hasło, powtórzenia, ciąg klawiszy lub dane konta). "
    "Proszę wybrać inne, np. kilka niezwiązanych ze sobą słów."
)


def password_problem(password: str, min_chars: int, *personal: str) -> str | None:
    """Why a new password cannot be used (Polish), or None; `personal`: login, first name."""
    if len(password) < min_chars:
        return f"Hasło musi mieć co najmniej {min_chars} znaków."
    words = [w for w in personal if w] + ["mops", "krakow", "kraków", "konsola"]
    if zxcvbn(password[:100], user_inputs=words)["score"] < MIN_STRENGTH:
        return _WEAK
    return None


@dataclass(frozen=True)
class CookieSession:
    """What the cookie says: a CSRF token always, a staff id once logged in."""

    csrf: str
    staff_id: int | None = None
    version: int = 0  # the account's session version when the cookie was issued

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
        return self._serializer.dumps(
            {"csrf": session.csrf, "staff": session.staff_id, "v": session.version}
        )

    def loads(self, value: str | None) -> CookieSession | None:
        if not value:
            return None
        try:
            data = self._serializer.loads(value, max_age=self.max_age)
        except BadSignature:  # includes SignatureExpired
            return None
        if not isinstance(data, dict) or not isinstance(data.get("csrf"), str):
            return None
        staff, version = data.get("staff"), data.get("v")
        if not isinstance(staff, int) or not isinstance(version, int):
            return CookieSession(data["csrf"])  # anonymous (or from before versions: log in)
        return CookieSession(data["csrf"], staff, version)
