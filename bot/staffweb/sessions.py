"""The staff web's signed session cookie and CSRF tokens, for the console's and review's pages.

The cookie holds only the staff id, the account's session version and the CSRF token, signed and
time-limited; the account is read from the database on every request, so a deactivated account,
a logout or a password change (both raise the version) ends the session at once.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.storage.identity import StaffView

COOKIE = "mops_console"
COOKIE_PATH = "/console"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


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


class StaffSessions:
    """Who is signed in: the cookie read and written, and the account it stands for."""

    def __init__(
        self,
        signer: CookieSigner,
        find_staff: Callable[[int], StaffView | None],
        cookie_secure: bool | None = None,
    ) -> None:
        """`cookie_secure`: the `Secure` cookie as configured, or None for "when over HTTPS"."""
        self.signer = signer
        self.find_staff = find_staff
        self.cookie_secure = cookie_secure

    def read(self, request: Request) -> CookieSession | None:
        return self.signer.loads(request.cookies.get(COOKIE))

    def signed_in(self, session: CookieSession | None) -> StaffView | None:
        """The active account a cookie stands for, if its session was not revoked since."""
        if session is None or session.staff_id is None:
            return None
        staff = self.find_staff(session.staff_id)
        if staff is None or not staff.active or staff.session_version != session.version:
            return None
        return staff

    def secure(self, request: Request) -> bool:
        """The `Secure` cookie: as configured, or when the request came over HTTPS.

        HSTS comes with every answer of the gateway (bot/gateway/headers.py, GATEWAY_HSTS)."""
        configured = self.cookie_secure
        return request.url.scheme == "https" if configured is None else configured

    def set_cookie(self, request: Request, response: Response, session: CookieSession) -> None:
        response.set_cookie(
            COOKIE,
            self.signer.dumps(session),
            max_age=self.signer.max_age,
            path=COOKIE_PATH,
            httponly=True,
            samesite="strict",
            secure=self.secure(request),
        )

    @staticmethod
    def forget(response: Response) -> None:
        response.delete_cookie(COOKIE, path=COOKIE_PATH)
