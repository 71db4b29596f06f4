"""A message with two questions: the main one is answered, the other offered as a button.

Tested without Rasa. The NLU component `SecondQuestion` (bot/nlp/second_question.py) reads each
part of such a message on its own (`two_questions`): the first question is the main one, as people
ask what matters most first, and the next question on another topic is offered. A part that names
no topic ("a dla kogo?") is read in the context of the part before it. When fewer than two parts
can be read with confidence, nothing is offered: a button for a question the resident did not ask
misleads. After the answer, action_offer_other_question offers the other topic.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from bot.clarify import Topic
from bot.follow_up import ASPECTS, FollowUps
from bot.messages import Reply

# Where one question ends and another begins: "?", a full stop, "+", "i"/"a"/"oraz" before a
# question word ("co to COGITO i dla kogo było"), or "a"/"oraz" after a comma ("porada prawna,
# a psychologa też macie?", "o warsztaty, a także o kurs").
_QUESTION_WORDS = (
    "czy|co|jak|jaki|jaka|jakie|gdzie|kto|kiedy|ile|dla|od|do|po|skad|skąd|czym|kogo|komu|mozna"
    "|można|jest|sa|są"
)
_BOUNDARY = re.compile(
    rf"[?.;!+]+|\s(?:i|a|oraz|i\s+jeszcze|a\s+także|a\s+takze)\s+(?=(?:{_QUESTION_WORDS})\b)"
    r"|,\s*(?:a|oraz)(?:\s+tak[zż]e)?\s",
    re.IGNORECASE,
)
_MIN_PART_WORDS = 2
OTHER_QUESTION = "other_question"  # key in the parse data: the other topic's key
# A part is read as a question on a topic from this probability on (the part model's, summed over
# the labels that lead to the same topic button).
PART_CONFIDENCE = 0.35
# Questions that ask what can be done about the situation just told ("jakie są możliwości?").
_GENERIC = frozenset({"support/list", "help"})
_SITUATION = "situation/"
_BRANCH_SEARCH = "find_branch"
_TOLD = re.compile(r"[.!;]")

# The part model's reading of each part of a message: {part: {label: probability}}.
Readings = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class Part:
    text: str
    told: bool  # a sentence that ends with "." or "!": a story, not a question


@dataclass(frozen=True)
class Reading:
    key: str
    confidence: float
    told: bool


@dataclass(frozen=True)
class TwoQuestions:
    """The topic to answer, if a question asks it, and another topic the message raises."""

    main: Reading | None
    others: tuple[str, ...]

    def offer_beside(self, answered: str | None) -> str | None:
        """The topic to offer after the answer actually given."""
        keys = [*self.others, *([self.main.key] if self.main else [])]
        return next((key for key in keys if key != answered), None)


def message_parts(text: str) -> list[Part]:
    """The parts of a message that could each be a question or a story of their own."""
    parts, start = [], 0
    for boundary in [*_BOUNDARY.finditer(text), None]:
        end = boundary.start() if boundary else len(text)
        part = text[start:end].strip()
        if len(part.split()) >= _MIN_PART_WORDS:
            parts.append(Part(part, bool(boundary and _TOLD.search(boundary.group()))))
        start = boundary.end() if boundary else end
    return parts


def question_parts(text: str) -> list[str]:
    return [part.text for part in message_parts(text)]


def two_questions(
    text: str, readings_of_parts: Readings, topics: Mapping[str, Topic], follow_ups: FollowUps
) -> TwoQuestions | None:
    """The topics that the parts of a message raise, each read on its own.

    The main question is the first part that is not a sentence told ("Syn nie pracuje od dwóch
    lat. Czy Pora na aktywność jest dla niego?"): people ask what matters most first, after the
    story that explains it. A message that only tells has no main question here: the
    whole-message reading stays, and the other topic is offered.
    """
    readings: list[Reading] = []
    for part in message_parts(text):
        context = readings[-1].key.split("/")[0] if readings else None
        key, confidence, about_context = _reading(
            readings_of_parts.get(part.text, {}), context, topics, follow_ups
        )
        if not key or confidence < PART_CONFIDENCE or any(key == r.key for r in readings):
            continue
        general = key in _GENERIC or (about_context and key == _BRANCH_SEARCH)
        if readings and readings[-1].told and general:
            # "Słyszałam o asystencie rodzinnym. Jak to się załatwia?": a general question about
            # what was just told asks about that (its answer names the branch too). After a life
            # story, the whole-message reading decides.
            last = readings[-1]
            if not last.key.startswith(_SITUATION):
                readings[-1] = Reading(last.key, last.confidence, part.told)
            continue
        readings.append(Reading(key, confidence, part.told))
    if len(readings) < 2:
        return None
    main = next((r for r in readings if not r.told), None)
    others = sorted((r for r in readings if r != main), key=lambda r: r.told)
    return TwoQuestions(main, tuple(r.key for r in others))


def _reading(
    probabilities: Mapping[str, float],
    context: str | None,
    topics: Mapping[str, Topic],
    follow_ups: FollowUps,
) -> tuple[str | None, float, bool]:
    """The likeliest topic of one part, and whether it asks about the context's topic.

    An aspect ("ask_who") counts for the topic under discussion: "i dla kogo było" after COGITO
    is "cogito/who".
    """
    by_topic: dict[str, float] = defaultdict(float)
    by_aspect: dict[str, float] = defaultdict(float)
    for label, probability in probabilities.items():
        key = follow_ups.topic_key(context, label) if label in ASPECTS else label
        if key is not None and key in topics:
            by_topic[key] += probability
            by_aspect[key] += probability if label in ASPECTS else 0.0
    if not by_topic:
        return None, 0.0, False
    best = max(by_topic, key=lambda key: by_topic[key])
    return best, by_topic[best], by_aspect[best] > by_topic[best] / 2


def offer(topic: Topic) -> Reply:
    return Reply("other_question", buttons=[{"title": topic.title, "payload": topic.payload}])
