"""What the assistant said in one turn, as reply labels (tests/realistic/README.md).

A turn is read from Rasa's tracker: the bot events after the resident's message. Responses from the
domain carry `utter_action` in their metadata; the actions' messages carry `message_key`
(actions/say.py). Labels describe what a resident gets, not which intent was guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Responses and messages that only accompany an answer (the offer of a person, the other question
# of two, how to go on with the branch search, the gentle crisis line): not the answer itself.
AUXILIARY = {"utter_offer_human", "other_question", "utter_branch_search_paused"}
GENTLE_LINE = "crisis_gentle"

_RESPONSES = {
    "utter_greet": "greet",
    "utter_goodbye": "goodbye",
    "utter_you_are_welcome": "thank",
    "utter_help": "help",
    "utter_anything_else": "ack",
    "utter_iamabot": "bot_challenge",
    "utter_out_of_scope": "out_of_scope",
    "utter_own_case": "own_case",
    "utter_join_pora": "pora/join",
    "utter_outside_krakow": "outside_krakow",
}
_MESSAGES = {
    "contact_info": "contact",
    "clarify": "clarify",
    "fallback_contacts": "clarify",
    "ask_district": "branch/ask_address",
    "ask_district_confirmed": "branch/confirm",
    "address_needs_number": "branch/needs_number",
    "address_needs_part": "branch/needs_number",
    "address_choose": "branch/choose",
    "address_unknown": "branch/districts",
    "address_rejected": "branch/districts",
    "branch_search_left": "ack",
    "offer_districts": "branch/districts",
    "address_outside": "outside_krakow",
    "branch_found": "branch/answer",
    "branch_unknown": "branch/answer",
    "follow_up_unknown": "out_of_scope",
    # Since when Pora runs, and honestly that its end is not known, with the information point.
    "pora_when": "out_of_scope",
    "follow_up_which": "clarify",
    "callback_no_contact": "contact",
    "callback_no_contact_unstaffed": "contact",
    # Leaving the handoff: "Dobrze, nie przekazuję rozmowy…", "…rozmowa wróciła do asystenta".
    "handoff_declined": "ack",
    "handoff_cancelled": "ack",
}
_MESSAGE_PREFIXES = {"handoff_": "handoff", "callback_": "handoff"}


def label_of(metadata: Mapping[str, Any]) -> str:
    """The label of one bot message, from what said it; "other" for an unlabelled text."""
    utter = str(metadata.get("utter_action") or "")
    if utter:
        if utter in _RESPONSES:
            return _RESPONSES[utter]
        name = utter.removeprefix("utter_")
        return name  # crisis_*, pora/*, cogito/*, support/*, situation/*
    key = str(metadata.get("message_key") or "")
    if key in _MESSAGES:
        return _MESSAGES[key]
    for prefix, label in _MESSAGE_PREFIXES.items():
        if key.startswith(prefix):
            return label
    return key or "other"


@dataclass
class Turn:
    """The assistant's reply to one message."""

    labels: list[str]  # the answer's labels in order, auxiliary messages left out
    texts: list[str]
    buttons: list[dict[str, str]]
    gentle_line: bool
    slots: dict[str, Any] = field(default_factory=dict)
    active_loop: str | None = None

    @property
    def first(self) -> str:
        return self.labels[0] if self.labels else "silence"

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def last_turn(tracker: Mapping[str, Any]) -> Turn:
    """The bot's messages after the tracker's last user message."""
    events: Sequence[Mapping[str, Any]] = tracker.get("events") or []
    start = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    labels: list[str] = []
    texts: list[str] = []
    buttons: list[dict[str, str]] = []
    gentle = False
    for event in events[start + 1 :]:
        if event.get("event") != "bot":
            continue
        metadata = event.get("metadata") or {}
        texts.append(event.get("text") or "")
        buttons += (event.get("data") or {}).get("buttons") or []
        said = metadata.get("utter_action") or metadata.get("message_key")
        if said == GENTLE_LINE:
            gentle = True
        elif said not in AUXILIARY:
            labels.append(label_of(metadata))
    loop = (tracker.get("active_loop") or {}).get("name")
    return Turn(labels, texts, buttons, gentle, dict(tracker.get("slots") or {}), loop)
