"""Development or production: `MOPS_ENV=production` turns on the checks a public service needs.

`make run`, the tests and `scripts/run.sh` set well-known development secrets so that a fresh clone
starts with nothing to configure. Those values are public (they are in this repository), so a
process that is told it runs in production refuses to start with any of them, or with none.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping

ENV_VAR = "MOPS_ENV"
PRODUCTION = "production"
MIN_SECRET_CHARS = 16

# Every secret a process of the assistant reads, with its development value ("" = unset is the
# development value: the console then signs cookies with a random key per process).
DEVELOPMENT_SECRETS: dict[str, str] = {
    "RASA_AUTH_TOKEN": "dev-rasa-token",
    "ACTIONS_TOKEN": "dev-actions-token",
    "CONSOLE_SECRET_KEY": "",
    "GATEWAY_SESSION_KEY": "",
    "FACEBOOK_VERIFY_TOKEN": "dev-verify-token",
    "FACEBOOK_APP_SECRET": "dev-app-secret",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "dev-page-access-token",
}

# Which process needs which secrets (the console runs inside the gateway's process). Production
# names the key of conversation ids itself: every gateway instance must sign with the same one.
# Messenger's keys: Rasa's channel answers residents, the gateway receives Meta's calls first.
MESSENGER_SECRETS = ("FACEBOOK_VERIFY_TOKEN", "FACEBOOK_APP_SECRET", "FACEBOOK_PAGE_ACCESS_TOKEN")
GATEWAY_SECRETS = (
    "RASA_AUTH_TOKEN",
    "CONSOLE_SECRET_KEY",
    "GATEWAY_SESSION_KEY",
    *MESSENGER_SECRETS,
)
ACTION_SERVER_SECRETS = ("ACTIONS_TOKEN",)
RASA_SECRETS = ("RASA_AUTH_TOKEN", "ACTIONS_TOKEN", *MESSENGER_SECRETS)


def is_production(env: Mapping[str, str] | None = None) -> bool:
    """True when `MOPS_ENV=production` (any case); everything else is development."""
    env = os.environ if env is None else env
    return env.get(ENV_VAR, "").strip().lower() == PRODUCTION


def weak_secrets(names: Iterable[str], env: Mapping[str, str] | None = None) -> list[str]:
    """The named secrets that are unset, a development value or too short to be a secret."""
    env = os.environ if env is None else env
    weak = []
    for name in names:
        value = env.get(name, "").strip()
        known = {DEVELOPMENT_SECRETS.get(name, ""), *DEVELOPMENT_SECRETS.values()} - {""}
        if not value:
            weak.append(f"{name} (pusta)")
        elif value in known:
            weak.append(f"{name} (wartość deweloperska)")
        elif len(value) < MIN_SECRET_CHARS:
            weak.append(f"{name} (krótsza niż {MIN_SECRET_CHARS} znaków)")
    return weak


def refuse_development_secrets(
    process: str, names: Iterable[str], env: Mapping[str, str] | None = None
) -> None:
    """In production, stop before serving anything when a secret is weak; say which and why.

    Development (no `MOPS_ENV=production`) is left alone: its defaults are meant for loopback.
    """
    if not is_production(env):
        return
    weak = weak_secrets(names, env)
    if weak:
        sys.exit(
            f"{process}: nie uruchomiono, bo {ENV_VAR}={PRODUCTION}, a tych sekretów nie ustawiono "
            f"na własne wartości: {', '.join(weak)}. Proszę ustawić je w środowisku "
            f"(np. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)."
        )
