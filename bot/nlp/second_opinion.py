"""Rasa NLU component: a message DIET is unsure of is answered when the part model is sure of it.

Placed right after FallbackClassifier. The whole-message reading of the part model (PartReader)
is a second, different model: where DIET falls below the fallback threshold and the part model
reads one topic with at least that confidence, or leads with a topic the assistant tells about
from LEANING on, the assistant answers that topic instead of asking which one; so does one part
of the message that the part model is sure of. A crisis is CrisisGuard's decision (the readings
are taken without it), and an unclear short question whose best guess is an aspect ("a dla
kogo?") is left to the dialogue, which reads it in the topic under discussion.
"I do not know" (out_of_scope) is no answer either: where DIET settles on it and the part model
is sure of a topic the assistant knows ("psycholog w mopsie jest?"), that topic is answered.
Which aspect a short follow-up asks about ("a kto za to płaci?": cost or funding) is decided by
both models together, each model's shares counting equally, as the answer of a retrieval intent is.
A greeting before something unclear that asks nothing is answered as the greeting (CourtesyFilter
has hidden the greeting from the classifiers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.clarify import FALLBACK_INTENT, OUT_OF_SCOPE, Topic, load_topics
from bot.follow_up import ASPECTS
from bot.nlp.component import UntrainedComponent
from bot.nlp.courtesy import GREETED, content_of
from bot.nlp.crisis import is_crisis
from bot.nlp.part_reader import PART_READINGS
from bot.nlp.ranking import choose_answer

# The same bar as FallbackClassifier's threshold in config.yml: sure by the same standard.
SURE = 0.5
# A follow-up that names no topic is short ("a dla kogo to jest?"); a longer message whose best
# guess is an aspect ("nie chce mi się stać w kolejce, czy mogę się umówić na godzinę") is a
# question of its own, and the part model's reading of it counts.
FOLLOW_UP_WORDS = 6
# Two readings that split DIET below the ambiguity threshold where one answer serves, the likelier:
# thanks and goodbye in one message ("Dziękuję bardzo, do widzenia.") close the chat politely
# either way; so do thanks and a no, except that a message that says "nie" ("nie, dziękuję", the
# consent button's own words typed out) is a polite no, while a misspelt "dizękuję" stays thanks.
CLOSE_CALLS = frozenset({frozenset({"thank", "goodbye"}), frozenset({"thank", "deny"})})
DENY = "deny"
GREETING = "greet"
_QUESTION = "?"
_SAYS_NO = re.compile(r"\bnie\b", re.IGNORECASE)
# Not topics the assistant tells about: whether a question is about one's own case or a general
# rule it cannot answer, DIET's choice between own_case and out_of_scope stands.
NOT_TOLD = frozenset({"own_case", "request_human", "help"})
# Below the fallback threshold, the clarification question (two topic buttons) was the reply to
# about one message in ten of the realistic sets and almost never the right one; where the part
# model leads from here with a topic the assistant tells about, that answer was right four times
# in five. Own case, a person and help stay with the clarification question below SURE.
LEANING = 0.3


def sure_reading(
    probabilities: dict[str, float], answerable: set[str], bar: float = SURE
) -> tuple[str, float] | None:
    """The part model's leading reading when it reaches `bar` and is an answerable label."""
    if not probabilities:
        return None
    label = max(probabilities, key=lambda name: probabilities[name])
    confidence = probabilities[label]
    return (label, confidence) if confidence >= bar and label in answerable else None


def without_crisis(probabilities: dict[str, float]) -> dict[str, float]:
    """The reading on the condition that the message is no crisis, which CrisisGuard has decided.

    "zona mnie zabije jak znowu przepije wyplate, gdzie sie zapisac na terapie" leads with a
    crisis in both models; what else it asks is what the rest of the reading says.
    """
    rest = {label: p for label, p in probabilities.items() if not is_crisis(label)}
    left = 1.0 - sum(p for label, p in probabilities.items() if is_crisis(label))
    return {label: p / left for label, p in rest.items()} if left > 0 else {}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SecondOpinion(UntrainedComponent):
    def __init__(self, topics: dict[str, Topic]) -> None:
        self._told = set(topics) - NOT_TOLD
        self._told_or_unknown = {*self._told, OUT_OF_SCOPE}
        self._answerable = {*topics, OUT_OF_SCOPE}
        self._aspects = set(ASPECTS)

    @classmethod
    def from_data(cls) -> SecondOpinion:
        return cls(load_topics())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            readings = dict(message.get(PART_READINGS) or {})
            reading = without_crisis(readings.pop(message.get(TEXT) or "", {}))
            sure = None
            if intent == OUT_OF_SCOPE:
                sure = sure_reading(reading, self._told) or (
                    sure_reading(reading, self._aspects) if _short(message) else None
                )
            elif intent == FALLBACK_INTENT:
                sure = (
                    _close_call(message)
                    or self._unclear(message, reading, readings.values())
                    or _greeting_with_a_story(message)
                )
            elif intent in self._aspects and _short(message):
                sure = self._agreed_aspect(message, reading)
            if sure:
                choose_answer(message, *sure)
        return messages

    def _unclear(
        self, message: Message, reading: dict[str, float], parts: Iterable[dict[str, float]]
    ) -> tuple[str, float] | None:
        """What the part model reads in an unclear question: the whole message, a part, a lead."""
        if not self._unclear_question(message):
            return None
        return (
            sure_reading(reading, self._answerable)
            or self._sure_part(parts)
            or sure_reading(reading, self._told_or_unknown, LEANING)
        )

    def _sure_part(self, parts: Iterable[dict[str, float]]) -> tuple[str, float] | None:
        """The topic one part of the message asks about ("…, nie dogadujemy się. jest psycholog
        rodzinny?"), when the part model is sure of it; of several, the surest."""
        sure = [s for s in (sure_reading(without_crisis(p), self._told) for p in parts) if s]
        return max(sure, key=lambda s: s[1], default=None)

    def _agreed_aspect(
        self, message: Message, reading: dict[str, float]
    ) -> tuple[str, float] | None:
        """The aspect both models favour together, where it is not DIET's own first choice."""
        diet = {r["name"]: r["confidence"] for r in message.get(INTENT_RANKING_KEY) or []}
        together = {a: (diet.get(a, 0.0) + reading.get(a, 0.0)) / 2 for a in self._aspects}
        best = max(together, key=lambda aspect: together[aspect])
        chosen = (message.get(INTENT) or {}).get("name")
        if best == chosen or together[best] < SURE:
            return None
        return best, together[best]

    @staticmethod
    def _unclear_question(message: Message) -> bool:
        """Below the threshold with words to read, and not a short follow-up about an aspect."""
        full = message.get(INTENT_RANKING_KEY) or []
        if not any(r["name"] == FALLBACK_INTENT for r in full):
            return False  # only unknown words (bot/nlp/unknown_words.py): nothing to read
        ranking = [r for r in full if r["name"] != FALLBACK_INTENT]
        return not (ranking and ranking[0]["name"] in ASPECTS and _short(message))


def _short(message: Message) -> bool:
    """As short as a follow-up that names no topic ("a w jaki sposób można się zgłosić?")."""
    return len(content_of(message).split()) <= FOLLOW_UP_WORDS


def _greeting_with_a_story(message: Message) -> tuple[str, float] | None:
    """A greeting followed by something unclear that asks nothing ("dzień dobry, coś mi się nie
    układa"): the greeting's answer asks what the person needs, rather than two topics."""
    greeted = message.get(GREETED) and _QUESTION not in content_of(message)
    return (GREETING, SURE) if greeted else None


def _close_call(message: Message) -> tuple[str, float] | None:
    """The answer to two readings of CLOSE_CALLS, when those are what DIET hesitated between."""
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r["name"] != FALLBACK_INTENT]
    pair = frozenset(r["name"] for r in ranking[:2])
    if len(ranking) < 2 or pair not in CLOSE_CALLS:
        return None
    together = ranking[0]["confidence"] + ranking[1]["confidence"]
    says_no = DENY in pair and _SAYS_NO.search(message.get(TEXT) or "")
    return (DENY if says_no else ranking[0]["name"], together) if together >= SURE else None
