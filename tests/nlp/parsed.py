"""Messages as the NLU guards get them after DIET, for tests that need no trained model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


def words(text: str) -> list[str]:
    """The words of `text` as the tokenizer gives them: commas and full stops are no words."""
    return text.replace(",", " ").replace(".", " ").split()


def parsed(text: str, ranking: Sequence[Mapping[str, Any]], **data: Any) -> Message:
    """`text` with its words as tokens and DIET's `ranking` (the first one leads), plus any other
    parse data (the part model's readings)."""
    return Message(
        data={
            TEXT: text,
            TOKENS_NAMES[TEXT]: [Token(word, 0) for word in words(text)],
            INTENT: ranking[0],
            INTENT_RANKING_KEY: list(ranking),
            **data,
        }
    )
