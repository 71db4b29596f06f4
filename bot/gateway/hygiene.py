"""Input hygiene at every entrance (web API, WebSocket, Messenger).

- Text Rasa, the databases and JSON cannot hold (unpaired surrogates, control characters) is
  refused before anything is stored: one such message used to break a conversation for good.
- Residents cannot force an intent: Rasa reads a message that starts with "/" as `/intent{...}`,
  so typed text loses its leading slashes on the way to Rasa (staff still see what was typed), and
  a button payload is taken only when the assistant offered that button in the conversation.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

# Characters a resident may type that are "control" characters in Unicode's sense.
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}
_BAD_CATEGORIES = {"Cs", "Cc"}  # surrogates, control characters
UNREADABLE_TEXT = (
    "Wiadomość zawiera znaki, których nie da się odczytać. Proszę ją przepisać lub wkleić "
    "ponownie i wysłać jeszcze raz."
)
INTENT_PREFIX = "/"  # rasa.shared.constants.INTENT_MESSAGE_PREFIX
_NOTHING_LEFT = "?"  # what Rasa gets for a message made of slashes only


def _bad(char: str) -> bool:
    return char not in _ALLOWED_CONTROLS and unicodedata.category(char) in _BAD_CATEGORIES


def unreadable(text: str) -> bool:
    """True when the text has unpaired surrogates or control characters (tab, newline aside)."""
    return any(_bad(char) for char in text)


def printable(text: str) -> str:
    """The text with every unreadable character replaced by U+FFFD (safe to send back)."""
    return "".join("\ufffd" if _bad(char) else char for char in text)


def neutralised(text: str) -> str:
    """Typed text as Rasa must see it: never read as `/intent`, whatever it starts with."""
    stripped = text.strip()
    if not stripped.startswith(INTENT_PREFIX):
        return text
    return stripped.lstrip(INTENT_PREFIX).strip() or _NOTHING_LEFT


def offered(said: Iterable[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """The (payload, title) pairs of every button the assistant showed in a conversation."""
    return {
        (str(button.get("payload")), str(button.get("title")))
        for message in said
        if message.get("role") == "bot"
        for button in message.get("buttons") or []
    }


def to_rasa(
    text: str, payload: str | None, buttons: set[tuple[str, str]]
) -> tuple[str, str | None]:
    """What goes to Rasa and what staff are shown (None: the message itself).

    A clicked button (its payload and title, as offered) goes as its payload; anything else goes
    as typed text, neutralised, and staff are shown exactly what the resident typed.
    """
    if payload is not None and (payload, text) in buttons:
        return payload, text
    message = neutralised(text)
    return message, (text if message != text else None)
