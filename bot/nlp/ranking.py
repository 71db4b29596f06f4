"""Overriding the classifier's intent in a Rasa NLU message, as the guards do.

The chosen intent goes first with its confidence, and the rest of the ranking shares what is left,
in the classifier's proportions: the ranking stays a distribution, so FallbackClassifier's
ambiguity check does not mistake a guard's sure decision for a close call.
"""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


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
