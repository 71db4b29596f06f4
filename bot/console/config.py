"""Console settings from environment variables (CONSOLE_*), with defaults for `make run`."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from bot.storage.db import database_url


@dataclass(frozen=True)
class ConsoleSettings:
    """What the console needs; `from_env` names the variables."""

    database_url: str = "sqlite:///var/console.db"
    # Signs the session cookie. Unset: a random key per process (everyone logs in again after a
    # restart, which is safe); production sets a secret so several gateway processes agree.
    secret_key: str = ""
    # The `Secure` cookie: True, False, or None = whenever the request came over HTTPS (as
    # uvicorn reports it from a trusted proxy's X-Forwarded-Proto). Production: True by default.
    cookie_secure: bool | None = None
    session_hours: float = 8.0  # one working day
    max_failed_logins: int = 5  # per login from one address, within `lockout_minutes`
    max_failed_logins_per_ip: int = 20  # any logins from one address (a whole office's NAT)
    lockout_minutes: int = 15
    min_password_chars: int = 12
    poll_seconds: int = 5
    max_reply_chars: int = 2000

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> ConsoleSettings:
        env = dict(os.environ if env is None else env)
        production = env.get("MOPS_ENV", "").strip().lower() == "production"
        secure = env.get("CONSOLE_COOKIE_SECURE", "1" if production else "auto").strip().lower()
        return cls(
            database_url=database_url(env),
            secret_key=env.get("CONSOLE_SECRET_KEY") or secrets.token_urlsafe(32),
            cookie_secure=None if secure == "auto" else secure in ("1", "true", "yes"),
            session_hours=float(env.get("CONSOLE_SESSION_HOURS", cls.session_hours)),
            max_failed_logins_per_ip=int(
                env.get("CONSOLE_LOGIN_FAILURES_PER_IP", cls.max_failed_logins_per_ip)
            ),
        )
