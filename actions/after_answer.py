"""What follows an answer when the NLU flagged the message (bot/dialogue/after_answer_policy.py)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import TOPICS
from actions.say import say
from bot.messages import Reply
from bot.other_question import OTHER_QUESTION, offer


class ActionOfferOtherQuestion(Action):
    """The second question of a two-question message, as a button."""

    def name(self) -> str:
        return "action_offer_other_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        topic = TOPICS.get(tracker.latest_message.get(OTHER_QUESTION) or "")
        if topic:
            say(dispatcher, offer(topic))
        return []


class ActionCrisisGentleLine(Action):
    """One gentle line with the 24/7 numbers, when a crisis is possible but not certain."""

    def name(self) -> str:
        return "action_crisis_gentle_line"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        say(dispatcher, Reply("crisis_gentle"))
        return []
