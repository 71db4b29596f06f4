"""Follow-up questions that do not name their topic ("a ile kosztował?"), tested without Rasa.

The `topic` slot keeps the topic of the latest answer (pora, cogito, support, or OFFICE after the
contacts or a branch); the question's intent is the aspect (ASPECTS). data/follow_ups.yml, which
MOPS staff may edit, says what answers each pair. A row for one answer of a topic ("support/kis")
overrides the topic's row for the aspects it names, when it is the topic's latest answer: "a gdzie
to jest?" after the Klub Integracji Społecznej is not about the resident's branch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.branches import Branch
from bot.clarify import unsure_ranking
from bot.messages import Reply
from bot.paths import data_file

FOLLOW_UPS_FILE = data_file("follow_ups.yml")
ASPECTS = (
    "ask_cost",
    "ask_when",
    "ask_who",
    "ask_how_join",
    "ask_where",
    "ask_results",
    "ask_funding",
    "ask_details",
    "ask_organiser",
)
BRANCH = "branch"
CONTACT = "contact"
UNKNOWN = "unknown"
# The topic after the contacts or a resident's branch were given: "a o której otwierają?".
OFFICE = "office"
# The row for questions asked before any topic ("gdzie mam się zgłosić?"); it names only the
# aspects that have an answer without one, the others get the question which topic.
NO_TOPIC = "no_topic"
# Steps that are no domain response: the topic button (data/topics.yml key) of those that answer.
_STEP_TOPICS = {BRANCH: "find_branch", CONTACT: "contact_info"}
_NOT_RESPONSES = {*_STEP_TOPICS, UNKNOWN}
# Domain responses; other names are messages of data/messages.yml (said with the contacts).
_RESPONSE = "utter_"
# A short question after an answer ("a kto płaci za to?") often leaves the classifier below the
# fallback threshold although the aspect leads the ranking: in the context of a topic, a leading
# aspect from this confidence on is answered rather than met with the clarification question.
CONTEXT_CONFIDENCE = 0.25
# The projects, whose few answers the response selector ranks ("cogito/guide_campaign"). A short
# question about one of them that names no aspect the table knows ("a ten poradnik co wydali?") is
# often left unclear or read as beyond the assistant's knowledge, although the selector ranks the
# project's own answer first: in the context of the project, that answer is given. Not the forms
# of support: each is a short description, and a question beyond it ("czy za kurs jest
# stypendium?") is beyond the sources, however the selector ranks the forms.
IN_TOPIC = ("pora", "cogito")
# A follow-up is short; a longer message read as beyond knowledge asks something of its own.
IN_TOPIC_WORDS = 10


@dataclass(frozen=True)
class FollowUp:
    """What to say (domain responses, then a message), and whether the branch search starts or
    the contacts are given."""

    responses: list[str] = field(default_factory=list)
    reply: Reply | None = None
    branch_search: bool = False
    contacts: bool = False


class FollowUps:
    def __init__(self, table: Mapping[str, Mapping[str, list[str]]]) -> None:
        self._table = table

    @classmethod
    def load(cls, path: Path = FOLLOW_UPS_FILE) -> FollowUps:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        table = {}
        for topic, answers in raw.items():
            partial = "/" in topic or topic == NO_TOPIC
            if partial and not set(answers) <= set(ASPECTS):
                raise ValueError(f"{path}: '{topic}' may name only {', '.join(ASPECTS)}")
            if not partial and set(answers) != set(ASPECTS):
                raise ValueError(f"{path}: '{topic}' needs exactly {', '.join(ASPECTS)}")
            table[topic] = {
                aspect: value if isinstance(value, list) else [value]
                for aspect, value in answers.items()
            }
        return cls(table)

    def _named(self) -> set[str]:
        steps = {s for answers in self._table.values() for a in answers.values() for s in a}
        return steps - _NOT_RESPONSES

    def responses(self) -> set[str]:
        """Every domain response the table names (a test checks they exist)."""
        return {s for s in self._named() if s.startswith(_RESPONSE)}

    def messages(self) -> set[str]:
        """Every message of data/messages.yml the table names (a test checks they exist)."""
        return {s for s in self._named() if not s.startswith(_RESPONSE)}

    def steps(self, topic: str | None, aspect: str, answered: str | None = None) -> list[str]:
        """What answers `aspect` for `topic` (empty when the table has no such pair), or for the
        topic's latest answer (`answered`, "support/kis") where the table has a row for it."""
        own = self._table.get(answered or "", {}).get(aspect)
        return own or self._table.get(topic or NO_TOPIC, {}).get(aspect) or []

    def aspect_in_context(self, topic: str | None, parse: Mapping[str, Any]) -> str | None:
        """The aspect an unclear message asks about, when a topic is under discussion or the
        aspect has an answer without one ("gdzie ja mam iść?" is the resident's branch)."""
        ranking = unsure_ranking(parse)
        best = ranking[0] if ranking else {}
        aspect = str(best.get("name"))
        if aspect not in ASPECTS or best.get("confidence", 0.0) < CONTEXT_CONFIDENCE:
            return None
        return aspect if topic or self.steps(None, aspect) else None

    def topic_key(self, topic: str | None, aspect: str) -> str | None:
        """The topic button (data/topics.yml key) that answers `aspect` for `topic`, if any;
        none without a topic (the no_topic row is the dialogue's, not a topic of the message)."""
        steps = self.steps(topic, aspect) if topic else []
        if not steps or UNKNOWN in steps:
            return None
        first = steps[0]
        if first in _STEP_TOPICS:
            return _STEP_TOPICS[first]
        if not first.startswith(_RESPONSE):
            # A message ("pora_when") has no button of its own: the topic's description tells it.
            return f"{topic}/about"
        # utter_cogito/who answers the topic cogito/who; utter_join_pora the intent ask_join_pora.
        name = first.removeprefix("utter_")
        return name if "/" in name else f"ask_{name}"

    def answer(
        self, topic: str | None, aspect: str, point: Branch, answered: str | None = None
    ) -> FollowUp:
        """The answer to `aspect` for `topic` (or for its latest answer); without a topic, the
        question which one."""
        steps = self.steps(topic, aspect, answered)
        if not steps:
            return FollowUp(reply=Reply("follow_up_which"))
        contacts = {"phone": point.phones[0], "email": point.email or ""}
        if UNKNOWN in steps:
            return FollowUp(reply=Reply("follow_up_unknown", contacts))
        said = [s for s in steps if s not in _NOT_RESPONSES]
        message = next((s for s in said if not s.startswith(_RESPONSE)), None)
        return FollowUp(
            responses=[s for s in said if s.startswith(_RESPONSE)],
            reply=Reply(message, contacts) if message else None,
            branch_search=BRANCH in steps,
            contacts=CONTACT in steps,
        )


def answer_in_topic(topic: str | None, parse: Mapping[str, Any]) -> str | None:
    """The answer of the topic under discussion ("cogito/guide_campaign") that a short follow-up
    asks about, when the response selector ranks it first of all answers; otherwise none."""
    text = str(parse.get("text") or "")
    if topic not in IN_TOPIC or len(text.split()) > IN_TOPIC_WORDS:
        return None
    ranking = ((parse.get("response_selector") or {}).get("default") or {}).get("ranking") or []
    best = str(ranking[0].get("intent_response_key") or "") if ranking else ""
    return best if best.startswith(f"{topic}/") else None


def latest_answer(events: Sequence[Mapping[str, Any]], topic: str | None) -> str | None:
    """The topic's answer the assistant gave last ("support/kis" while the topic is support),
    from the response name Rasa records with each bot message. Follow-ups and their answers in
    between keep to it: "a gdzie on jest?", then "a jak się zapisać?" are both about the club."""
    prefix = f"{_RESPONSE}{topic}/"
    for event in reversed(events):
        said = str((event.get("metadata") or {}).get("utter_action") or "")
        if event.get("event") == "bot" and topic and said.startswith(prefix):
            return said.removeprefix(_RESPONSE)
    return None
