"""The base of our Rasa NLU components that have nothing to train."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData
from typing_extensions import override

Component = TypeVar("Component", bound="UntrainedComponent")


class UntrainedComponent(GraphComponent, ABC):
    """Built from the project's data files when Rasa loads the model, so staff edits to those
    files take effect on a restart, without retraining."""

    @classmethod
    @abstractmethod
    def from_data(cls: type[Component]) -> Component: ...

    @classmethod
    @override
    def create(
        cls: type[Component],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Component:
        return cls.from_data()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
