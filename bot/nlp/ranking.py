"""Overriding the classifier's intent in a Rasa NLU message, as the guards do.

The chosen intent goes first with its confidence, and the rest of the ranking shares what is left,
in the classifier's proportions: the ranking stays a distribution, so FallbackClassifier's
ambiguity check does not mistake a guard's sure decision for a close call.
"""

from __future__ import annotations

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
)
from rasa.shared.nlu.training_data.message import Message

from bot.clarify import intent_key


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


def answer_of_the_intent(message: Message) -> None:
    """The answer Rasa gives belongs to the intent the message was classified as.

    One response selector ranks the answers of every retrieval intent together, and Rasa answers
    `utter_pora` with the selector's top answer even when that is "support/family_assistant". The
    intent has the last word (the guards and the part readings have decided it): its best-ranked
    answer is given.
    """
    intent = message.get(INTENT) or {}
    selector = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
    # The intent's own best answer ("pora/funding"), or the intent itself.
    key = intent_key({INTENT: intent, RESPONSE_SELECTOR_PROPERTY_NAME: selector})
    entry = selector.get(RESPONSE_SELECTOR_DEFAULT_INTENT) or {}
    chosen = (entry.get(RESPONSE_SELECTOR_PREDICTION_KEY) or {}).get(INTENT_RESPONSE_KEY)
    if key and "/" in key and key != chosen:
        choose_answer(message, key, intent.get(PREDICTED_CONFIDENCE_KEY, 1.0))
