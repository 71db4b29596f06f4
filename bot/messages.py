"""Messages the custom actions send, from the staff-editable data/messages.yml.

Rasa's validator only knows responses used in stories and rules; texts that only actions send
live here instead, so that `rasa data validate` stays free of warnings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import yaml

from bot.contacts import contact_variables
from bot.paths import data_file

MESSAGES_FILE = data_file("messages.yml")

Button = dict[str, str]


@dataclass(frozen=True)
class Reply:
    """What the assistant says: a message key, its variables and extra buttons."""

    key: str
    variables: dict[str, str] = field(default_factory=dict)
    buttons: list[Button] = field(default_factory=list)


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: list[Button]


class Messages:
    """The messages, and the variables every one of them may use (the information point's
    contacts, bot.contacts), so that no message types a number."""

    def __init__(
        self, entries: dict[str, dict], variables: Mapping[str, str] = MappingProxyType({})
    ) -> None:
        self._entries = entries
        self._variables = dict(variables)

    @classmethod
    def load(cls, path: Path = MESSAGES_FILE) -> Messages:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, entry in entries.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
                raise ValueError(f"{path}: message '{key}' needs a text")
        return cls(entries, contact_variables())

    def keys(self) -> set[str]:
        return set(self._entries)

    def render(self, reply: Reply) -> Rendered:
        """The message's text with its variables filled in; its own buttons, then the reply's."""
        entry = self._entries[reply.key]
        text = entry["text"].format(**{**self._variables, **reply.variables})
        return Rendered(text, [*entry.get("buttons", []), *reply.buttons])
