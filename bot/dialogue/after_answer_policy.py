"""RulePolicy that adds what the NLU asked for at the end of an answer.

Two NLU components flag a message for something that belongs after the answer, whatever the
answer is: `SecondQuestion` (`other_question`: offer the other question as a button) and
`CrisisGuard` (`crisis_hint`: one gentle line with the 24/7 numbers when a crisis is possible but
not certain; the full alarm is kept for certain crises). Once the rules have answered and would
wait for the resident, this policy runs those actions first, in order, then waits. Rules, forms
and their order stay RulePolicy's own: nothing is added where it would not listen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rasa.core.policies.policy import PolicyPrediction, confidence_scores_for
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlp.crisis import CRISIS_HINT, CRISIS_PREFIX
from bot.other_question import OTHER_QUESTION

GENTLE_LINE = "action_crisis_gentle_line"
# (key in the parse data, the action it calls for), in the order they follow the answer.
AFTER_ANSWER = ((OTHER_QUESTION, "action_offer_other_question"), (CRISIS_HINT, GENTLE_LINE))
_ADDED = {action for _key, action in AFTER_ANSWER}


def next_after_answer(events: Sequence[Event]) -> str | None:
    """The next action the latest message asked for, once it has been answered.

    None before any answer, after all of them ran, and after a crisis reply (which already gives
    every number).
    """
    answered, done = False, set()
    for event in reversed(events):
        if isinstance(event, UserUttered):
            flags = event.parse_data or {}
            pending = [action for key, action in AFTER_ANSWER if flags.get(key)]
            return next((a for a in pending if a not in done), None) if answered else None
        if isinstance(event, ActionExecuted):
            name = event.action_name or ""
            if name.startswith("utter_" + CRISIS_PREFIX):
                return None
            if name in _ADDED:
                done.add(name)
        answered = answered or isinstance(event, BotUttered)
    return None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class AfterAnswerRulePolicy(RulePolicy):
    def predict_action_probabilities(
        self, tracker: DialogueStateTracker, domain: Domain, **kwargs: Any
    ) -> PolicyPrediction:
        events = list(tracker.events)
        if tracker.latest_action_name in _ADDED:
            following = next_after_answer(events)
            return self._prediction(
                confidence_scores_for(following or ACTION_LISTEN_NAME, 1.0, domain)
            )
        prediction = super().predict_action_probabilities(tracker, domain, **kwargs)
        predicted = domain.action_names_or_texts[prediction.max_confidence_index]
        following = next_after_answer(events) if predicted == ACTION_LISTEN_NAME else None
        if following:
            return self._prediction(confidence_scores_for(following, 1.0, domain))
        return prediction
