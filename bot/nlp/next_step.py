"""Rasa NLU component: a resident who closes by saying what comes next is saying goodbye.

"dobra, to zadzwonię do nich jutro", "ok pójdę tam w poniedziałek rano", "no to lipa. to tyle":
nothing is asked, but the classifier reads the words (a call, a place) as a question about the
contacts or the branch and answers it once more. A short message with no question and no "nie"
that says it ends (`endings` in data/courtesies.yml) or what the resident will do (`next_steps`,
a verb in the first person) is `goodbye`. Placed after CrisisGuard and PersonRequest: a crisis,
even a possible one, an address, a request for a person and a form's own answers (tak, nie,
anuluj) keep their reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.component import UntrainedComponent
from bot.nlp.crisis import CRISIS_HINT, is_crisis
from bot.nlp.person_request import KEPT
from bot.nlp.ranking import choose_intent
from bot.paths import data_file
from bot.polish.text import fold_diacritics

GOODBYE = "goodbye"
# Readings that already close the chat.
_CLOSING = frozenset({GOODBYE, "thank"})
MAX_WORDS = 8  # a closing is short; a longer message tells or asks something more
_NEGATION = "nie"


@dataclass(frozen=True)
class NextSteps:
    endings: tuple[str, ...]  # folded phrases
    verbs: frozenset[str]  # folded first-person forms
    asking: frozenset[str]  # folded words that open a question or ask for something

    @classmethod
    def load(cls, path: Path | None = None) -> NextSteps:
        raw = yaml.safe_load((path or data_file("courtesies.yml")).read_text("utf-8")) or {}

        def folded(entries: list[str] | None) -> list[str]:
            return [fold_diacritics(entry.lower()) for entry in entries or []]

        return cls(
            endings=tuple(folded(raw.get("endings"))),
            verbs=frozenset(folded(raw.get("next_steps"))),
            asking=frozenset(folded(raw.get("questions")) + folded(raw.get("requests"))),
        )

    def closes(self, text: str) -> bool:
        """Whether the message only ends the chat or says what the resident will do next."""
        if "?" in text:
            return False
        words = re.findall(r"\w+", fold_diacritics(text.lower()))
        if not words or len(words) > MAX_WORDS or _NEGATION in words:
            return False
        if self.asking.intersection(words):
            return False
        said = " " + " ".join(words)
        ends = said.endswith(tuple(" " + ending for ending in self.endings))
        return ends or bool(self.verbs.intersection(words))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class NextStep(UntrainedComponent):
    def __init__(self, steps: NextSteps) -> None:
        self._steps = steps

    @classmethod
    def from_data(cls) -> NextStep:
        return cls(NextSteps.load())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            if intent in KEPT or is_crisis(intent) or message.get(CRISIS_HINT):
                continue
            if intent not in _CLOSING and self._steps.closes(message.get(TEXT) or ""):
                choose_intent(message, GOODBYE)
        return messages
