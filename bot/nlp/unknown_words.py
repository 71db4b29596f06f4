"""Rasa NLU component: a message made only of unknown words goes to the fallback.

DIET gives every message some intent, sometimes confidently for gibberish ("blorp fnarg wug"). A
message none of whose words Morfeusz knows (after restoring Polish letters) or the training data
used ("cogito", "MOPS", street names), even with a typo ("pyscholog", "hejj"), cannot be
understood: it gets `nlu_fallback`, so the resident is asked to clarify instead of receiving a
random answer.
"""

from __future__ import annotations

import json
from typing import Any

from rapidfuzz import fuzz, process
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from typing_extensions import override

from bot.polish.morfeusz import default_analyser
from bot.polish.text import fold_diacritics

FALLBACK_INTENT = "nlu_fallback"
VOCABULARY_FILE = "vocabulary.json"
# A typo of a known word is known: similarity (rapidfuzz ratio, 0-100) to a vocabulary word, for
# words long enough that one wrong letter still leaves most of the word.
TYPO_SIMILARITY = 75
TYPO_MIN_LENGTH = 4


def words_of(message: Message) -> list[str]:
    """The message's alphabetic words, folded: digits and punctuation say nothing here."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return [fold_diacritics(t.text.lower()) for t in tokens if t.text.isalpha()]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class UnknownWordsGuard(GraphComponent):
    def __init__(
        self, vocabulary: set[str], model_storage: ModelStorage, resource: Resource
    ) -> None:
        self._vocabulary = vocabulary
        self._model_storage = model_storage
        self._resource = resource
        self._analyser = default_analyser()

    @classmethod
    @override
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UnknownWordsGuard:
        return cls(set(), model_storage, resource)

    @classmethod
    @override
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> UnknownWordsGuard:
        with model_storage.read_from(resource) as directory:
            vocabulary = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
        return cls(set(vocabulary), model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        vocabulary = {word for example in training_data.nlu_examples for word in words_of(example)}
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps(sorted(vocabulary)), "utf-8")
        return self._resource

    def is_known(self, word: str) -> bool:
        if word in self._vocabulary or self._analyser.lemma_pos(word)[1]:
            return True
        return len(word) >= TYPO_MIN_LENGTH and bool(
            process.extractOne(
                word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY
            )
        )

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            words = words_of(message)
            if words and not any(self.is_known(word) for word in words):
                message.set(
                    INTENT, {"name": FALLBACK_INTENT, "confidence": 1.0}, add_to_output=True
                )
        return messages
