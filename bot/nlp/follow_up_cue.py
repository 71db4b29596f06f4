"""Rasa NLU component: a short follow-up asks about the aspect its words name.

After an answer, residents ask about one side of the topic in their own words: "a dla kogo to jest,
każdy może?", "a płacą coś za chodzenie?", "o czym była". The classifier, which has seen such
questions with a handful of wordings, often links these words to a life situation ("bezrobotni")
or to nothing, and the resident gets an answer to another question. Where the classifier reads
neither an aspect nor a topic's answer, a message shaped as a follow-up that names no topic of its
own and holds an aspect's phrase (data/follow_up_cues.yml) is that aspect; the dialogue answers it
for the topic under discussion (bot/follow_up.py) or asks which topic is meant.

A question that names its topic and asks what the topic's description does not tell ("czy terapia
w MOPS jest za darmo?") is that aspect too, with the topic as the entity TOPIC (the `topic` slot):
the resident hears that the sources do not know and where to ask, not the description again.

Placed after CrisisGuard and PersonRequest: a crisis, even a possible one, an address (or a place
the message names), a request for a person and a form's own answers keep their reading.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.follow_up import ASPECTS, UNKNOWN, FollowUps
from bot.nlp.component import UntrainedComponent
from bot.nlp.person_request import keeps_reading
from bot.nlp.ranking import choose_intent
from bot.paths import data_file
from bot.polish.text import fold_diacritics, folded_words

CUES_FILE = data_file("follow_up_cues.yml")
# The entity (and slot) that carries a topic the message names.
TOPIC = "topic"
_SETTINGS = ("connectors", "fillers", "anaphors", "glue", "named", "asked_of_named")
_LIMITS = ("short", "max_words", "max_named_words")
# The topics' own answers: where the classifier chose one ("i dostał jakąś nagrodę?"), it answers.
_TOPICS = frozenset({"pora", "cogito", "support", "ask_join_pora"})
_STEM = "*"
# How many other words may stand between two words of a phrase ("kto to wszystko finansował").
MAX_GAP = 2
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")


def _pattern(phrase: str) -> re.Pattern[str]:
    """A phrase as a pattern on folded text: its words in order, at most MAX_GAP words apart; a
    word ending in "*" matches any word it begins."""
    words = [
        re.escape(word.removesuffix(_STEM)) + (r"\w*" if word.endswith(_STEM) else "")
        for word in fold_diacritics(phrase.lower()).split()
    ]
    gap = rf"(?:\W+\w+){{0,{MAX_GAP}}}?\W+"
    return re.compile(rf"\b{gap.join(words)}\b")


def _patterns(phrases: Mapping[str, list[str]]) -> dict[str, list[re.Pattern[str]]]:
    return {key: [_pattern(phrase) for phrase in entries] for key, entries in phrases.items()}


def _first(patterns: Mapping[str, list[re.Pattern[str]]], text: str) -> tuple[str, int, int] | None:
    """The key of the earliest phrase in `text` (the longer of two that start together), with the
    phrase's start and end."""
    found = [
        (match.start(), -len(match.group()), key, match.end())
        for key, phrases in patterns.items()
        for phrase in phrases
        if (match := phrase.search(text))
    ]
    if not found:
        return None
    start, _length, key, end = min(found)
    return key, start, end


@dataclass(frozen=True)
class Cue:
    """The aspect a message asks about, and the topic it names where it asks that topic's."""

    aspect: str
    topic: str | None = None
    where: tuple[int, int] = (0, 0)  # the topic's word in the message


@dataclass(frozen=True)
class FollowUpCues:
    """What makes a message a follow-up, the words that name a topic, and the aspects' phrases."""

    aspects: dict[str, list[re.Pattern[str]]]
    named: dict[str, list[re.Pattern[str]]]
    asked_of_named: dict[str, list[re.Pattern[str]]]
    answers: FollowUps  # what the sources say of each topic's aspects
    connectors: frozenset[str]
    fillers: frozenset[str]
    anaphors: frozenset[str]
    glue: frozenset[str]  # what may stand beside the cue of a short follow-up
    short: int
    max_words: int
    max_named_words: int

    @classmethod
    def load(cls, path: Path = CUES_FILE) -> FollowUpCues:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        words = {key: raw.pop(key) for key in _SETTINGS}
        limits = {key: int(raw.pop(key)) for key in _LIMITS}
        unknown = (set(raw) | set(words["asked_of_named"])) - set(ASPECTS)
        if unknown:
            raise ValueError(f"{path}: {', '.join(sorted(unknown))} is no aspect")
        shape = [
            frozenset(folded_words(words[key])) for key in ("connectors", "fillers", "anaphors")
        ]
        return cls(
            aspects=_patterns(raw),
            named=_patterns(words["named"]),
            asked_of_named=_patterns(words["asked_of_named"]),
            answers=FollowUps.load(),
            connectors=shape[0],
            fillers=shape[1],
            anaphors=shape[2],
            glue=frozenset(folded_words(words["glue"])).union(*shape),
            short=limits["short"],
            max_words=limits["max_words"],
            max_named_words=limits["max_named_words"],
        )

    def _is_follow_up(self, words: list[str], cue: set[int]) -> bool:
        """Starting with "a"/"i"/"to" (after "ok", "dzięki"…), pointing back at what was said
        ("tam", "on", "tego"), or short with no word beside its cue (positions `cue`) but glue."""
        lead = next((word for word in words if word not in self.fillers), "")
        if lead in self.connectors or not self.anaphors.isdisjoint(words):
            return True
        others = {word for i, word in enumerate(words) if i not in cue}
        return len(words) <= self.short and others <= self.glue

    def _of_named(
        self,
        folded: str,
        named: tuple[str, int, int],
        asked: tuple[str, int, int] | None,
        length: int,
    ) -> Cue | None:
        """The aspect a question asks of the topic it names, where the sources do not know it
        (data/follow_ups.yml) and the question asks it first ("kto za to płaci" is funding)."""
        topic, *where = named
        asked_of_it = _first(self.asked_of_named, folded)
        if not asked_of_it or length > self.max_named_words:
            return None
        aspect, start, _end = asked_of_it
        if asked and asked[0] != aspect and asked[1] <= start:
            return None
        if UNKNOWN not in self.answers.steps(topic, aspect):
            return None  # the topic's own answer tells it ("ile kosztowało cogito")
        return Cue(aspect, topic, (where[0], where[1]))

    def cue(self, text: str) -> Cue | None:
        """The aspect a follow-up asks about, or a topic the message names and the aspect asked
        of it; none for a message that asks neither."""
        folded = fold_diacritics(text.lower())
        spans = [(word.start(), word.end()) for word in _WORD.finditer(folded)]
        asked = _first(self.aspects, folded)
        named = _first(self.named, folded)
        if named:
            return self._of_named(folded, named, asked, len(spans))
        if not spans or not asked:
            return None
        aspect, start, end = asked
        if len(spans) > self.max_words or _DIGIT.search(folded):
            return None
        words = [folded[a:b] for a, b in spans]
        cue = {i for i, (a, b) in enumerate(spans) if a >= start and b <= end}
        return Cue(aspect) if self._is_follow_up(words, cue) else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class FollowUpCue(UntrainedComponent):
    def __init__(self, cues: FollowUpCues) -> None:
        self._cues = cues

    @classmethod
    def from_data(cls) -> FollowUpCue:
        return cls(FollowUpCues.load())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            if keeps_reading(message) or intent in ASPECTS or message.get(ENTITIES):
                continue
            cue = self._cues.cue(message.get(TEXT) or "")
            if not cue or (intent in _TOPICS and not cue.topic):
                continue
            choose_intent(message, cue.aspect)
            if cue.topic:
                start, end = cue.where
                entity = {"entity": TOPIC, "value": cue.topic, "start": start, "end": end}
                message.set(ENTITIES, [entity], add_to_output=True)
        return messages
