"""A message with two questions: the main one is answered, the other offered as a button.

Tested without Rasa. The NLU component `SecondQuestion` (bot/nlp/second_question.py) flags such a
message with the other topic's key; after the answer, action_offer_other_question offers it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.clarify import Topic, answers_of, intent_key
from bot.messages import Reply

# Where one question ends and another begins: "?", a full stop, "+", or "i"/"a"/"oraz" before a
# question word ("co to COGITO i dla kogo było").
_QUESTION_WORDS = (
    "czy|co|jak|jaki|jaka|jakie|gdzie|kto|kiedy|ile|dla|od|do|po|skad|skąd|czym|kogo|komu|mozna"
    "|można|jest|sa|są"
)
_BOUNDARY = re.compile(
    rf"[?.;!+]+|\s(?:i|a|oraz|i\s+jeszcze|a\s+także|a\s+takze)\s+(?=(?:{_QUESTION_WORDS})\b)",
    re.IGNORECASE,
)
_MIN_PART_WORDS = 2
OTHER_QUESTION = "other_question"  # key in the parse data: the other topic's key
# The other topic must be at least this likely (intent confidence, times the answer's for a
# retrieval intent) to be offered. The classifiers are sure of one topic even when a message asks
# two, so the bar is low; two question parts are required first.
MIN_CONFIDENCE = 0.01


def question_parts(text: str) -> list[str]:
    """The parts of a message that could each be a question of its own."""
    parts = [p.strip() for p in _BOUNDARY.split(text)]
    return [p for p in parts if len(p.split()) >= _MIN_PART_WORDS]


def other_topic(text: str, parse: Mapping[str, Any], topics: Mapping[str, Topic]) -> Topic | None:
    """The likeliest topic besides the answered one, for a message of two questions."""
    if len(question_parts(text)) < 2:
        return None
    answered = intent_key(parse)
    for key, confidence in _ranked_keys(parse):
        if confidence < MIN_CONFIDENCE:
            break
        if key != answered and key in topics:
            return topics[key]
    return None


def _ranked_keys(parse: Mapping[str, Any]) -> list[tuple[str, float]]:
    """Topic keys by likelihood: intents, and every answer of a retrieval intent."""
    ranked = []
    for entry in parse.get("intent_ranking") or []:
        intent, confidence = entry.get("name"), entry.get("confidence", 0.0)
        answers = answers_of(parse, intent)
        if answers:
            ranked += [
                (a["intent_response_key"], confidence * a.get("confidence", 0.0)) for a in answers
            ]
        elif intent:
            ranked.append((intent, confidence))
    return sorted(ranked, key=lambda pair: -pair[1])


def offer(topic: Topic) -> Reply:
    return Reply("other_question", buttons=[{"title": topic.title, "payload": topic.payload}])
