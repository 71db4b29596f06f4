"""`python -m bot.rasa_server run …`: the `rasa` command, minus residents' text in its log.

Rasa 3.6 writes what residents typed into its log in two ways, both seen in a real run:

- a message starting with „/” that is not a well-formed intent gives a Python warning
  `Failed to parse arguments in line '/ PESEL 0227…'` (`rasa.shared.utils.io.raise_warning`);
- structlog events carry the text under keys such as `text` and `user_text`
  (e.g. `rest.message.received.failure` when a message could not be handled).

Rasa's own hook for the second is its structlog processor `rasa.utils.log_utils._anonymizer`,
which only Rasa Pro fills in; here it is replaced, before Rasa configures structlog, by one that
withholds the same keys. Python's `warnings.showwarning` is wrapped for the first. Everything else
is `rasa.__main__.main()` unchanged, with two defaults for `rasa run`: listen on loopback
(`RASA_HOST`, default 127.0.0.1) unless `--interface` is given, and, with `MOPS_ENV=production`,
refuse development secrets. Never run production with `--debug`: Rasa's debug lines carry text.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import MutableMapping
from typing import Any

from bot import tracker_guard
from bot.deployment import RASA_SECRETS, refuse_development_secrets

WITHHELD = "[withheld]"
# The keys Rasa's own `_anonymizer` treats as personal data (rasa/utils/log_utils.py, 3.6.21).
PERSONAL_KEYS = frozenset(
    {
        "text",
        "response_text",
        "user_text",
        "slot_values",
        "parse_data_text",
        "parse_data_entities",
        "prediction_events",
        "tracker_latest_message",
        "prefilled_slots",
        "message",
        "response",
        "slot_candidates",
        "rasa_event",
        "rasa_events",
        "tracker_states",
        "current_states",
        "old_states",
        "successes",
        "current_entity",
        "next_entity",
        "states",
        "entity",
        "token_text",
        "user_message",
        "json_message",
    }
)
_PARSE_WARNING = "Failed to parse arguments in line '"


def withhold_personal_data(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: the personal keys keep their name, lose their value."""
    for key in PERSONAL_KEYS.intersection(event_dict):
        event_dict[key] = WITHHELD
    return event_dict


def redact_warning(message: Warning | str) -> Warning | str:
    """Rasa's warning about a „/…” message, without the message."""
    if str(message).startswith(_PARSE_WARNING):
        text = "Failed to parse arguments of a message starting with '/' (its text is withheld)."
        return type(message)(text) if isinstance(message, Warning) else text
    return message


def install() -> None:
    """Put both filters in place; call before Rasa configures its logging."""
    import rasa.utils.log_utils

    rasa.utils.log_utils._anonymizer = withhold_personal_data
    show = warnings.showwarning

    def showwarning(message: Warning | str, *args: Any, **kwargs: Any) -> None:
        show(redact_warning(message), *args, **kwargs)

    warnings.showwarning = showwarning


def with_loopback_default(argv: list[str], env: MutableMapping[str, str]) -> list[str]:
    """`rasa run` without `--interface` listens on RASA_HOST (127.0.0.1), not on 0.0.0.0."""
    if argv[:1] != ["run"] or (len(argv) > 1 and argv[1] == "actions"):
        return argv
    if any(a in ("-i", "--interface") or a.startswith("--interface=") for a in argv):
        return argv
    return [*argv, "--interface", env.get("RASA_HOST", "127.0.0.1")]


def main() -> None:
    refuse_development_secrets("Rasa", RASA_SECRETS)
    os.umask(0o077)  # the tracker store's SQLite file holds conversations: this user's only
    install()
    tracker_guard.install()  # a tracker that cannot be read fails the message
    sys.argv = [sys.argv[0], *with_loopback_default(sys.argv[1:], os.environ)]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
