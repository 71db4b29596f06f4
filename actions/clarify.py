"""action_clarify: the assistant's answer when it is unsure what the resident meant."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.clarify import failures_in_a_row, likely_topics, load_topics, user_turns

NAME = "action_clarify"
TOPICS = load_topics()


class ActionClarify(Action):
    def name(self) -> str:
        return NAME

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if failures_in_a_row(user_turns(tracker.events), NAME) >= 2:
            dispatcher.utter_message(response="utter_fallback_contacts")
            return []
        topics = likely_topics(tracker.latest_message, TOPICS)
        buttons = [{"title": t.title, "payload": t.payload} for t in topics]
        buttons.append({"title": "Coś innego", "payload": "/deny"})
        dispatcher.utter_message(response="utter_clarify", buttons=buttons)
        return []
