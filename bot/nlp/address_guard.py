"""Rasa NLU component: an address in any sentence goes to the branch finder.

"mieszkam na ulicy Witosa 5, gdzie mam isc" is about the branch whatever words surround the
address, and "Jestem z Tarnowa, gdzie mam się zgłosić?" is about another gmina. The classifier
cannot learn every street inside every sentence; the gazetteer (bot/address) knows them, inflected,
without Polish letters and with typos, and Morfeusz knows the towns outside Kraków. Placed after
DIETClassifier and before CrisisGuard in config.yml: a crisis still wins.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.address import AddressResolver
from bot.branches import BranchCatalogue
from bot.nlp.address_mentions import (
    BRANCH_INTENTS,
    NOT_OUTSIDE,
    OUTSIDE_INTENT,
    AddressMention,
    Office,
    find_mention,
    office_addresses,
)
from bot.nlp.component import UntrainedComponent
from bot.nlp.crisis import is_certain_crisis
from bot.nlp.ranking import choose_intent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AddressGuard(UntrainedComponent):
    def __init__(self, resolver: AddressResolver, offices: frozenset[Office]) -> None:
        self._resolver = resolver
        self._offices = offices

    @classmethod
    def from_data(cls) -> AddressGuard:
        resolver = AddressResolver.load()
        return cls(resolver, office_addresses(resolver, BranchCatalogue.load()))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if is_certain_crisis(intent):
                continue
            text = message.get(TEXT) or ""
            mention = find_mention(text, intent, self._resolver, self._offices)
            if mention:
                _apply(message, mention)
        return messages


def _apply(message: Message, mention: AddressMention) -> None:
    if mention.intent == NOT_OUTSIDE:
        # What the message asks on the condition that it is not about another gmina: the other
        # readings share what that guess took ("mieszkam w Krakowie, gdzie mam iść" is the branch).
        ranking = message.get(INTENT_RANKING_KEY) or []
        outside = sum(r["confidence"] for r in ranking if r["name"] == OUTSIDE_INTENT)
        other = next((r for r in ranking if r["name"] != OUTSIDE_INTENT), None)
        if other and outside < 1.0:
            choose_intent(message, other["name"], other["confidence"] / (1.0 - outside))
        return
    choose_intent(message, mention.intent)
    if mention.intent in BRANCH_INTENTS:
        return  # the branch search reads the address from the message
    kept = [e for e in message.get(ENTITIES) or [] if e.get("entity") == "district"]
    extracted = [{**e, "extractor": "AddressGuard"} for e in mention.entities]
    message.set(ENTITIES, kept + extracted, add_to_output=True)
