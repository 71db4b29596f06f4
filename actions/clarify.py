"""action_clarify: the assistant's answer when it is unsure what the resident meant."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.follow_up import FOLLOW_UPS, answer_follow_up, answered_in_topic
from actions.say import say
from bot.clarify import (
    beyond_knowledge,
    clarification,
    load_topics,
    understood_twice_wrong,
    user_turns,
)

NAME = "action_clarify"
TOPICS = load_topics()


class ActionClarify(Action):
    def name(self) -> str:
        return NAME

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        parse, turns = tracker.latest_message, user_turns(tracker.events)
        if not understood_twice_wrong(turns, NAME):
            aspect = FOLLOW_UPS.aspect_in_context(tracker.get_slot("topic"), parse)
            if aspect:  # an unclear short question about the topic just answered, or where to go
                return answer_follow_up(dispatcher, tracker, aspect)
            if answered_in_topic(dispatcher, tracker):
                return []
            if beyond_knowledge(parse):
                dispatcher.utter_message(response="utter_out_of_scope")
                return []
        say(dispatcher, clarification(parse, turns, TOPICS, NAME))
        return []
