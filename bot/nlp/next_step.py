"""Rasa NLU component: a resident who closes by saying what comes next is saying goodbye, and
one who only says to leave it is leaving what is going on.

"dobra, to zadzwonię do nich jutro", "ok pójdę tam w poniedziałek rano", "no to lipa. to tyle":
nothing is asked, but the classifier reads the words (a call, a place) as a question about the
contacts or the branch and answers it once more. A short message with no question and no "nie"
that says it ends (`endings` in data/courtesies.yml) or what the resident will do (`next_steps`,
a verb in the first person) is `goodbye`. Placed after CrisisGuard and PersonRequest: a crisis,
even a possible one, an address, a request for a person and a form's own answers (tak, nie,
anuluj) keep their reading.

"nie chcę już szukać, dzięki", "zostaw to, nie trzeba", "dobra, nieważne": a message made only of
`leaving` phrases and `fillers` is `stop`, which ends a form (data/rules) or, with none active,
gets "W czym jeszcze mogę pomóc?". The classifier often reads such words as refusing one step of
the branch search ("nie chcę podawać adresu") or as a plain no, and the form asks again.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.component import UntrainedComponent
from bot.nlp.courtesy import Courtesies
from bot.nlp.crisis import CRISIS_HINT
from bot.nlp.person_request import keeps_reading
from bot.nlp.ranking import choose_intent
from bot.polish.text import fold_diacritics

GOODBYE = "goodbye"
STOP = "stop"
# Readings of a form's own step that a leaving message replaces: the same words refuse a step.
_STEP_REFUSALS = frozenset({"deny", "decline_address"})
# Readings that already close the chat.
_CLOSING = frozenset({GOODBYE, "thank"})
MAX_WORDS = 8  # a closing is short; a longer message tells or asks something more
_NEGATION = "nie"


def _short_statement(text: str) -> list[str]:
    """The folded words of a short message that asks nothing; none for a question or a longer
    message, which tells or asks something more than closing or leaving."""
    if "?" in text:
        return []
    words = re.findall(r"\w+", fold_diacritics(text.lower()))
    return words if len(words) <= MAX_WORDS else []


def closes(courtesies: Courtesies, text: str) -> bool:
    """Whether the message only ends the chat or says what the resident will do next."""
    words = _short_statement(text)
    if not words or _NEGATION in words:
        return False
    if courtesies.questions.intersection(words) or courtesies.requests.intersection(words):
        return False
    said = " " + " ".join(words)
    ends = said.endswith(tuple(" " + ending for ending in courtesies.endings))
    return ends or bool(courtesies.next_steps.intersection(words))


def leaves(courtesies: Courtesies, text: str) -> bool:
    """Whether the message is only leaving phrases and filler words, with at least one phrase."""
    words = _short_statement(text)
    found, at = False, 0
    while at < len(words):
        end = next(
            (
                end
                for phrase in courtesies.leaving
                if (end := _phrase_end(courtesies, words, at, phrase))
            ),
            None,
        )
        if end is None and words[at] not in courtesies.fillers:
            return False
        found, at = found or end is not None, end or at + 1
    return found


def _phrase_end(courtesies: Courtesies, words: list[str], at: int, phrase: tuple[str, ...]) -> int:
    """Where `phrase` ends if it starts at `at`, fillers allowed between its words; else 0."""
    if words[at] != phrase[0]:
        return 0
    at += 1
    for word in phrase[1:]:
        while at < len(words) and words[at] != word and words[at] in courtesies.fillers:
            at += 1
        if at == len(words) or words[at] != word:
            return 0
        at += 1
    return at


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class NextStep(UntrainedComponent):
    def __init__(self, courtesies: Courtesies) -> None:
        self._courtesies = courtesies

    @classmethod
    def from_data(cls) -> NextStep:
        return cls(Courtesies.load())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            text = message.get(TEXT) or ""
            kept = keeps_reading(message)
            refusal = intent in _STEP_REFUSALS and not message.get(CRISIS_HINT)
            if (not kept or refusal) and intent != STOP and leaves(self._courtesies, text):
                choose_intent(message, STOP)
            elif not kept and intent not in _CLOSING and closes(self._courtesies, text):
                choose_intent(message, GOODBYE)
        return messages
