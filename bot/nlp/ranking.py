"""Overriding the classifier's intent in a Rasa NLU message, as the guards do.

The chosen intent goes first with its confidence, and the rest of the ranking shares what is left,
in the classifier's proportions: the ranking stays a distribution, so FallbackClassifier's
ambiguity check does not mistake a guard's sure decision for a close call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rasa.nlu.constants import (
    RESPONSE_SELECTOR_DEFAULT_INTENT,
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.clarify import intent_key
from bot.nlp.part_reader import PART_READINGS


def choose_intent(message: Message, name: str, confidence: float = 1.0) -> None:
    others = [r for r in message.get(INTENT_RANKING_KEY) or [] if r["name"] != name]
    total = sum(r["confidence"] for r in others)
    share = (1.0 - confidence) / total if total else 0.0
    chosen = {"name": name, "confidence": confidence}
    message.set(INTENT, chosen, add_to_output=True)
    message.set(
        INTENT_RANKING_KEY,
        [chosen, *({**r, "confidence": r["confidence"] * share} for r in others)],
        add_to_output=True,
    )


def choose_answer(message: Message, key: str, confidence: float) -> None:
    """Override the answer: an intent, or "intent/answer" for a retrieval intent.

    For a retrieval intent the response selector's choice is replaced too, since Rasa's
    `utter_<intent>` action answers with the selector's `utter_action`.
    """
    intent, _, answer = key.partition("/")
    choose_intent(message, intent, confidence)
    if not answer:
        return
    selector = dict(message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {})
    entry = dict(selector.get(RESPONSE_SELECTOR_DEFAULT_INTENT) or {})
    ranked = [
        r
        for r in entry.get(RESPONSE_SELECTOR_RANKING_KEY) or []
        if r.get(INTENT_RESPONSE_KEY) == key
    ]
    entry[RESPONSE_SELECTOR_PREDICTION_KEY] = {
        RESPONSE_SELECTOR_RESPONSES_KEY: [],
        PREDICTED_CONFIDENCE_KEY: ranked[0].get(PREDICTED_CONFIDENCE_KEY, confidence)
        if ranked
        else confidence,
        INTENT_RESPONSE_KEY: key,
        RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{key}",
    }
    selector[RESPONSE_SELECTOR_DEFAULT_INTENT] = entry
    message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)


def _within(shares: Mapping[str, float], intent: str) -> dict[str, float]:
    """The shares of one intent's answers ("pora/…"), as a distribution among themselves."""
    own = {key: p for key, p in shares.items() if key.startswith(f"{intent}/")}
    total = sum(own.values())
    return {key: p / total for key, p in own.items()} if total else {}


def best_answer(
    intent: str, selector_ranking: Sequence[Mapping[str, Any]], reading: Mapping[str, float]
) -> str | None:
    """The intent's answer that the response selector and the part model favour together.

    Each model's shares of the intent's answers count equally. On the realistic sets the two
    together chose the right answer more often than either alone, and never less often than the
    selector: a long formal question ("uprzejmie proszę o przybliżenie, na czym polega projekt")
    pulls the selector towards whatever else it mentions.
    """
    selector = _within(
        {
            str(r.get(INTENT_RESPONSE_KEY)): r.get(PREDICTED_CONFIDENCE_KEY, 0.0)
            for r in selector_ranking
        },
        intent,
    )
    part = _within(reading, intent)
    together = {key: selector.get(key, 0.0) + part.get(key, 0.0) for key in {*selector, *part}}
    return max(together, key=lambda key: together[key]) if together else None


def answer_of_the_intent(message: Message) -> None:
    """The answer Rasa gives belongs to the intent the message was classified as.

    One response selector ranks the answers of every retrieval intent together, and Rasa answers
    `utter_pora` with the selector's top answer even when that is "support/family_assistant". The
    intent has the last word (the guards and the part readings have decided it), and its answer
    is the one the selector and the part model favour together (best_answer). An answer a guard
    chose itself (not the selector's top) is kept.
    """
    intent = message.get(INTENT) or {}
    name = str(intent.get("name") or "")
    selector = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
    entry = selector.get(RESPONSE_SELECTOR_DEFAULT_INTENT) or {}
    chosen = (entry.get(RESPONSE_SELECTOR_PREDICTION_KEY) or {}).get(INTENT_RESPONSE_KEY)
    ranking = entry.get(RESPONSE_SELECTOR_RANKING_KEY) or []
    top = ranking[0].get(INTENT_RESPONSE_KEY) if ranking else chosen
    if chosen and chosen != top and str(chosen).startswith(f"{name}/"):
        return  # a guard's own choice
    reading = (message.get(PART_READINGS) or {}).get(message.get(TEXT) or "", {})
    key = best_answer(name, ranking, reading) or intent_key(
        {INTENT: intent, RESPONSE_SELECTOR_PROPERTY_NAME: selector}
    )
    if key and "/" in key and key != chosen:
        choose_answer(message, key, intent.get(PREDICTED_CONFIDENCE_KEY, 1.0))
