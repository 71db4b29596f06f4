"""Rasa NLU component: asking to be contacted by someone from MOPS, or for someone real, is asking
for a person.

"może mi ktoś zadzwonić w sprawie asystenta dla syna" names a form of support, and the classifier
answers the form of support; what the resident asks for is a call. A phrase of
data/person_requests.yml in the message (bot/nlp/phrases.py) makes it `request_human`, unless it
says "nie" ("proszę do mnie nie dzwonić") or the classifier read something that already leads to
a person or belongs to a step of a form. Placed after FallbackClassifier, so an unsure guess is
overridden too, and after CrisisGuard: a crisis always wins.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.component import UntrainedComponent
from bot.nlp.crisis import CRISIS_HINT, is_crisis
from bot.nlp.phrases import NEGATION, PhraseLexicon
from bot.nlp.ranking import choose_intent
from bot.paths import data_file

REQUESTS_FILE = data_file("person_requests.yml")
REQUEST_HUMAN = "request_human"
# Readings that stay: they lead to a person already (own_case hands over with an explanation, and
# "are you a real person?" is told it is an assistant and offered one), or answer a question of a
# form ("tak, niech ktoś do mnie zadzwoni" is the consent).
KEPT = frozenset(
    {
        REQUEST_HUMAN,
        "own_case",
        "bot_challenge",
        "leave_contact",
        "no_contact",
        "cancel_handoff",
        "affirm",
        "deny",
        "stop",
        "inform_address",
        "inform_district",
        "decline_address",
        "outside_krakow",
    }
)


def keeps_reading(message: Message) -> bool:
    """Whether the guards after this one leave the message's reading as it is: KEPT, a crisis,
    or a possible crisis (the gentle line)."""
    intent = (message.get(INTENT) or {}).get("name")
    return intent in KEPT or is_crisis(intent) or bool(message.get(CRISIS_HINT))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class PersonRequest(UntrainedComponent):
    def __init__(self, lexicon: PhraseLexicon) -> None:
        self._lexicon = lexicon

    @classmethod
    def from_data(cls) -> PersonRequest:
        return cls(load_requests())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            if intent in KEPT or is_crisis(intent):
                continue
            words = [token.text for token in message.get(TOKENS_NAMES[TEXT]) or []]
            if asks_to_be_contacted(self._lexicon, words):
                choose_intent(message, REQUEST_HUMAN)
        return messages


def load_requests() -> PhraseLexicon:
    return PhraseLexicon.from_file(
        REQUESTS_FILE, lambda intent: intent == REQUEST_HUMAN, f"'{REQUEST_HUMAN}'"
    )


def asks_to_be_contacted(lexicon: PhraseLexicon, words: list[str]) -> bool:
    """Whether the words ask someone to call or write to the writer, without a "nie"."""
    lemmas = lexicon.lemmas(words)
    negated = any(NEGATION in readings for readings in lemmas)
    return not negated and lexicon.match(lemmas) == REQUEST_HUMAN
