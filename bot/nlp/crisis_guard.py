"""Rasa NLU component: a crisis phrase overrides the intent classifier's guess.

Placed after DIETClassifier and before FallbackClassifier in config.yml.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.crisis import CrisisLexicon


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisGuard(GraphComponent):
    def __init__(self, lexicon: CrisisLexicon) -> None:
        self._lexicon = lexicon

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisGuard:
        return cls(CrisisLexicon.load())

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            words = [token.text for token in message.get(TOKENS_NAMES[TEXT]) or []]
            intent = self._lexicon.match(self._lexicon.lemmas(words))
            current = (message.get(INTENT) or {}).get("name")
            if intent and intent != current:
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r["name"] != intent]
                message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
                ranking.insert(0, {"name": intent, "confidence": 1.0})
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
