"""Gateway settings from environment variables, with defaults that suit `make run`.

Everything that differs between a developer's machine and production is an environment variable,
so the same code runs in both; the defaults are safe for loopback-only development.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.deployment import is_production
from bot.gateway.outbox import DEFAULT_PATH as DEFAULT_OUTBOX
from bot.gateway.send_api import DEFAULT_GRAPH_URL

DEFAULT_MESSENGER_OUTBOX = "var/messenger-front-outbox"

# The MOPS domains that may embed the widget, plus the gateway's own demo page.
DEFAULT_ORIGINS = (
    "https://mops.krakow.pl",
    "https://www.mops.krakow.pl",
    "http://localhost:8000",
    "http://127.0.0.1:8000",
)


@dataclass(frozen=True)
class Rate:
    """At most `count` messages in any window of `seconds`."""

    count: int
    seconds: float

    @classmethod
    def parse(cls, text: str) -> Rate:
        """Read "20/60" (20 messages a minute)."""
        count, _, seconds = text.partition("/")
        return cls(int(count), float(seconds or 60))


@dataclass(frozen=True)
class MessengerKeys:
    """The Messenger app's keys (FACEBOOK_* in the environment, shared with Rasa's channel)."""

    verify_token: str = "dev-verify-token"
    app_secret: str = "dev-app-secret"
    page_token: str = "dev-page-access-token"
    graph_url: str = DEFAULT_GRAPH_URL

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> MessengerKeys:
        """FACEBOOK_VERIFY_TOKEN, FACEBOOK_APP_SECRET, FACEBOOK_PAGE_ACCESS_TOKEN and
        FACEBOOK_GRAPH_URL (tests point it at a local fake), as Rasa's channel reads them."""
        env = dict(os.environ if env is None else env)
        default = cls()
        return cls(
            verify_token=env.get("FACEBOOK_VERIFY_TOKEN", default.verify_token),
            app_secret=env.get("FACEBOOK_APP_SECRET", default.app_secret),
            page_token=env.get("FACEBOOK_PAGE_ACCESS_TOKEN", default.page_token),
            graph_url=env.get("FACEBOOK_GRAPH_URL", default.graph_url),
        )


@dataclass(frozen=True)
class Settings:
    """What the gateway needs to know; see `from_env` for the variable names."""

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = "dev-rasa-token"
    rasa_timeout: float = 30.0
    max_message_chars: int = 1000
    session_rate: Rate = field(default_factory=lambda: Rate(20, 60))
    ip_rate: Rate = field(default_factory=lambda: Rate(60, 60))
    cors_origins: tuple[str, ...] = DEFAULT_ORIGINS
    history_limit: int = 200
    max_sessions: int = 10_000
    retention_days: int = 90  # what the privacy note says: REVIEW_RETENTION_DAYS, the real one
    # Loopback: in production a reverse proxy (TLS) is in front; GATEWAY_HOST opens it wider.
    host: str = "127.0.0.1"
    api_docs: bool = False  # /docs, /redoc, /openapi.json: a development aid, never in production
    hsts: bool | None = None  # True always, False never, None = when the request came over HTTPS
    outbox: Path | None = None  # where messages wait for Rasa across restarts (None: memory)
    # Messenger's webhook comes to the gateway first (bot.gateway.messenger_front): the app's
    # keys are Rasa's (FACEBOOK_*, the development ones by default), its outbox the gateway's.
    messenger: MessengerKeys = field(default_factory=MessengerKeys)
    messenger_outbox: Path | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Settings from GATEWAY_* variables (and RASA_AUTH_TOKEN, shared with Rasa)."""
        env = dict(os.environ if env is None else env)
        default = cls()

        def get(name: str, fallback: object) -> str:
            return env.get(name, str(fallback))

        origins = env.get("GATEWAY_CORS_ORIGINS")
        production = is_production(env)
        hsts = env.get("GATEWAY_HSTS", "1" if production else "auto").strip().lower()
        return cls(
            rasa_url=get("GATEWAY_RASA_URL", default.rasa_url).rstrip("/"),
            rasa_token=get("RASA_AUTH_TOKEN", default.rasa_token),
            rasa_timeout=float(get("GATEWAY_RASA_TIMEOUT", default.rasa_timeout)),
            max_message_chars=int(get("GATEWAY_MAX_MESSAGE_CHARS", default.max_message_chars)),
            session_rate=Rate.parse(get("GATEWAY_SESSION_RATE", "20/60")),
            ip_rate=Rate.parse(get("GATEWAY_IP_RATE", "60/60")),
            cors_origins=(
                tuple(o.strip() for o in origins.split(",") if o.strip())
                if origins
                else default.cors_origins
            ),
            history_limit=int(get("GATEWAY_HISTORY_LIMIT", default.history_limit)),
            max_sessions=int(get("GATEWAY_MAX_SESSIONS", default.max_sessions)),
            retention_days=int(get("REVIEW_RETENTION_DAYS", default.retention_days)),
            host=get("GATEWAY_HOST", default.host),
            api_docs=_flag(env.get("GATEWAY_API_DOCS", "0")) and not production,
            hsts=None if hsts == "auto" else _flag(hsts),
            outbox=Path(get("GATEWAY_OUTBOX", DEFAULT_OUTBOX)),
            messenger=MessengerKeys.from_env(env),
            messenger_outbox=Path(get("GATEWAY_MESSENGER_OUTBOX", DEFAULT_MESSENGER_OUTBOX)),
        )


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")
