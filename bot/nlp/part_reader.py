"""Rasa NLU component: reads the message, and each part of it, with the part model.

Trained with the pipeline (bot/nlp/part_model.py) and placed right after DIETClassifier. It
changes no intent: it leaves its readings in the message (PART_READINGS: the probabilities of
each label for the whole text and for each part) for the components after it — CrisisGuard takes
the whole-message reading as a second opinion on an unsure crisis, SecondQuestion reads the parts
of a message that asks two questions.
"""

from __future__ import annotations

from typing import Any

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from typing_extensions import override

from bot.nlp.courtesy import content_of
from bot.nlp.part_model import PartModel
from bot.other_question import texts_to_read

PART_READINGS = "part_readings"  # message property: {text or part: {label: probability}}
_MODEL_FILE = "part_model.joblib"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class PartReader(GraphComponent):
    def __init__(
        self, model_storage: ModelStorage, resource: Resource, model: PartModel | None = None
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    @override
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PartReader:
        return cls(model_storage, resource)

    @classmethod
    @override
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> PartReader:
        with model_storage.read_from(resource) as directory:
            return cls(model_storage, resource, joblib.load(directory / _MODEL_FILE))

    def train(self, training_data: TrainingData) -> Resource:
        self._model = PartModel.train(
            (m.get(TEXT), m.get(INTENT_RESPONSE_KEY) or m.get(INTENT))
            for m in training_data.intent_examples
        )
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self._model, directory / _MODEL_FILE)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if self._model and text:
                # The whole message as the classifiers read it, without its courtesies; each
                # part once, and a part that is the whole message is the whole reading.
                readings = {text: self._model.probabilities(content_of(message))}
                for part in texts_to_read(text):
                    if part not in readings:
                        readings[part] = self._model.probabilities(part)
                message.set(PART_READINGS, readings)
        return messages
