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

from bot.clarify import OUT_OF_SCOPE, Topic
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
# Two offers named side by side ("doradca zawodowy i grupa wsparcia, jest coś takiego?") are two
# questions only when each half reads, on its own and surely, as a different form of help or
# project: "Jestem bezrobotny i szukam pracy" stays one.
_JOINED = re.compile(r"\s(?:i|oraz)\s", re.IGNORECASE)
_OFFERS = ("support/", "pora/", "cogito/")
HALF_CONFIDENCE = 0.5
# A part reads as one project only where it names it: "i dla kogo był ten projekt" after COGITO
# asks about COGITO, whatever project the words alone suggest.
_PROJECT_NAMES = {
    "pora": re.compile(r"\bpor\w*\s+na\s+aktywn", re.IGNORECASE),
    "cogito": re.compile(r"[ck]ogit", re.IGNORECASE),
}
# A question the sources answer, beside one they do not ("czy jest asystent rodzinny i ile wynosi
# 800 plus"): the known one is answered rather than nothing.
KNOWN_PART_CONFIDENCE = 0.6

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


def _halves(part: Part) -> list[Part]:
    """The two halves of a part joined by one "i"/"oraz", each long enough to name an offer."""
    pieces = _JOINED.split(part.text)
    if len(pieces) != 2 or any(len(piece.split()) < _MIN_PART_WORDS for piece in pieces):
        return []
    return [Part(piece.strip(" ,"), part.told) for piece in pieces]


def question_parts(text: str) -> list[str]:
    return [part.text for part in message_parts(text)]


def texts_to_read(text: str) -> list[str]:
    """What the part model reads: each part, and the halves of a part joined by "i"."""
    return [p.text for part in message_parts(text) for p in [part, *_halves(part)]]


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
    for part in _questions(message_parts(text), readings_of_parts, topics, follow_ups):
        context = readings[-1].key.split("/")[0] if readings else None
        key, confidence, about_context = _reading(
            part.text, readings_of_parts, context, topics, follow_ups
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


def known_part(
    text: str, readings_of_parts: Readings, topics: Mapping[str, Topic], follow_ups: FollowUps
) -> Reading | None:
    """The one question of a message that the sources answer, when another part asks what they
    do not say; None unless exactly one part is a sure question on a topic."""
    parts = message_parts(text)
    unknown = any(
        readings_of_parts.get(part.text, {}).get(OUT_OF_SCOPE, 0.0) >= PART_CONFIDENCE
        for part in parts
    )
    known = []
    for part in parts:
        key, confidence, _ = _reading(part.text, readings_of_parts, None, topics, follow_ups)
        if key and confidence >= KNOWN_PART_CONFIDENCE:
            known.append(Reading(key, confidence, part.told))
    if not unknown or len(known) != 1 or known[0].told:
        return None
    return known[0]


def _questions(
    parts: list[Part],
    readings_of_parts: Readings,
    topics: Mapping[str, Topic],
    follow_ups: FollowUps,
) -> list[Part]:
    """The parts, with a part that names two offers side by side read as its two halves."""
    questions = []
    for part in parts:
        halves = _halves(part)
        keys = set()
        for half in halves:
            key, confidence, _ = _reading(half.text, readings_of_parts, None, topics, follow_ups)
            if key and key.startswith(_OFFERS) and confidence >= HALF_CONFIDENCE:
                keys.add(key)
        questions.extend(halves if len(keys) == 2 else [part])
    return questions


def _reading(
    text: str,
    readings_of_parts: Readings,
    context: str | None,
    topics: Mapping[str, Topic],
    follow_ups: FollowUps,
) -> tuple[str | None, float, bool]:
    """The likeliest topic of one part, and whether it asks about the context's topic.

    An aspect ("ask_who") counts for the topic under discussion: "i dla kogo było" after COGITO
    is "cogito/who", and so does another project's question in a part that does not name it.
    """
    by_topic: dict[str, float] = defaultdict(float)
    by_aspect: dict[str, float] = defaultdict(float)
    for label, probability in readings_of_parts.get(text, {}).items():
        key = follow_ups.topic_key(context, label) if label in ASPECTS else label
        key = _in_context(key, text, context, topics)
        if key is not None and key in topics:
            by_topic[key] += probability
            by_aspect[key] += probability if label in ASPECTS else 0.0
    if not by_topic:
        return None, 0.0, False
    best = max(by_topic, key=lambda key: by_topic[key])
    return best, by_topic[best], by_aspect[best] > by_topic[best] / 2


def _in_context(
    key: str | None, text: str, context: str | None, topics: Mapping[str, Topic]
) -> str | None:
    """A project's question in a part that does not name that project asks about the context's."""
    project, _, aspect = (key or "").partition("/")
    if context not in _PROJECT_NAMES or project not in _PROJECT_NAMES or project == context:
        return key
    if _PROJECT_NAMES[project].search(text):
        return key
    in_context = f"{context}/{aspect}"
    return in_context if in_context in topics else key


def offer(topic: Topic) -> Reply:
    return Reply("other_question", buttons=[{"title": topic.title, "payload": topic.payload}])
