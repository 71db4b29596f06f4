"""Gibberish goes to the fallback; words known to Morfeusz or to the training data do not."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.unknown_words import UnknownWordsGuard


def message(text: str, intent: str | None = None) -> Message:
    msg = Message(data={TEXT: text, **({INTENT: intent} if intent else {})})
    msg.set(TOKENS_NAMES[TEXT], [Token(word, 0) for word in text.split()])
    return msg


@pytest.fixture(scope="module")
def guard(tmp_path_factory: pytest.TempPathFactory) -> UnknownWordsGuard:
    storage = LocalModelStorage(Path(tmp_path_factory.mktemp("storage")))
    resource = Resource("unknown_words")
    context = ExecutionContext(GraphSchema({}), "test")
    trainer = UnknownWordsGuard.create({}, storage, resource, context)
    trainer.train(
        TrainingData(
            [
                message("czym było Cogito", "cogito"),
                message("siema hej", "greet"),
                message("psycholog dziękuję", "support"),
            ]
        )
    )
    return UnknownWordsGuard.load({}, storage, resource, context)  # as a trained model loads


def predicted(guard: UnknownWordsGuard, text: str) -> str:
    msg = message(text)
    msg.set(INTENT, {"name": "crisis_danger", "confidence": 0.9}, add_to_output=True)
    (msg,) = guard.process([msg])
    return msg.get(INTENT)["name"]


@pytest.mark.parametrize("text", ["blorp fnarg wug", "xkcd qwrtp zzzz", "asdf"])
def test_gibberish_goes_to_the_fallback(guard: UnknownWordsGuard, text: str) -> None:
    assert predicted(guard, text) == "nlu_fallback"


@pytest.mark.parametrize(
    "text",
    ["cogito", "COGITO?", "jak sie zapisac", "blorp pomoc", "14 / 3", "ratunku", "cogitto"]
    + ["siemanko", "pyscholog", "dizękuję"],
)
def test_a_known_word_or_no_word_at_all_keeps_the_classifier(guard, text: str) -> None:
    assert predicted(guard, text) == "crisis_danger"
