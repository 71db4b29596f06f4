"""action_clarify: the assistant's answer when it is unsure what the resident meant."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.say import say
from bot.clarify import clarification, load_topics, user_turns

NAME = "action_clarify"
TOPICS = load_topics()


class ActionClarify(Action):
    def name(self) -> str:
        return NAME

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        say(
            dispatcher,
            clarification(tracker.latest_message, user_turns(tracker.events), TOPICS, NAME),
        )
        return []
