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

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.component import UntrainedComponent
from bot.nlp.courtesy import Courtesies
from bot.nlp.person_request import keeps_reading
from bot.nlp.ranking import choose_intent
from bot.polish.text import fold_diacritics

GOODBYE = "goodbye"
# Readings that already close the chat.
_CLOSING = frozenset({GOODBYE, "thank"})
MAX_WORDS = 8  # a closing is short; a longer message tells or asks something more
_NEGATION = "nie"


def closes(courtesies: Courtesies, text: str) -> bool:
    """Whether the message only ends the chat or says what the resident will do next."""
    if "?" in text:
        return False
    words = re.findall(r"\w+", fold_diacritics(text.lower()))
    if not words or len(words) > MAX_WORDS or _NEGATION in words:
        return False
    if courtesies.questions.intersection(words) or courtesies.requests.intersection(words):
        return False
    said = " " + " ".join(words)
    ends = said.endswith(tuple(" " + ending for ending in courtesies.endings))
    return ends or bool(courtesies.next_steps.intersection(words))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class NextStep(UntrainedComponent):
    def __init__(self, courtesies: Courtesies) -> None:
        self._courtesies = courtesies

    @classmethod
    def from_data(cls) -> NextStep:
        return cls(Courtesies.load())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if keeps_reading(message):
                continue
            intent = (message.get(INTENT) or {}).get("name")
            if intent not in _CLOSING and closes(self._courtesies, message.get(TEXT) or ""):
                choose_intent(message, GOODBYE)
        return messages
