"""action_follow_up: a follow-up question answered for the topic of the latest answer."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.branch_finder import CATALOGUE
from actions.say import say
from bot import branch_finder
from bot.follow_up import FollowUps, answer_in_topic, latest_answer

FOLLOW_UPS = FollowUps.load()


def answer_follow_up(
    dispatcher: CollectingDispatcher, tracker: Tracker, aspect: str
) -> list[EventType]:
    """Say the answer to `aspect` for the topic slot (or for the topic's latest answer, where
    data/follow_ups.yml has a row for it); start the branch search or give the contacts where
    that is the answer."""
    topic = tracker.get_slot("topic")
    answered = latest_answer(tracker.events, topic)
    answer = FOLLOW_UPS.answer(topic, aspect, CATALOGUE.information_point, answered)
    for response in answer.responses:
        dispatcher.utter_message(response=response)
    if answer.reply:
        say(dispatcher, answer.reply)
    if answer.contacts:
        say(dispatcher, branch_finder.contacts(CATALOGUE))
    return [FollowupAction("branch_form")] if answer.branch_search else []


def answered_in_topic(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Answer a short unclear follow-up with the answer of the topic under discussion that the
    response selector ranks first (bot.follow_up.answer_in_topic); False when there is none."""
    key = answer_in_topic(tracker.get_slot("topic"), tracker.latest_message)
    if key:
        dispatcher.utter_message(response=f"utter_{key}")
    return key is not None


class ActionOutOfScope(Action):
    """The honest "I do not know that", unless it is a follow-up on the topic just answered."""

    def name(self) -> str:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if not answered_in_topic(dispatcher, tracker):
            dispatcher.utter_message(response="utter_out_of_scope")
        return []


class ActionFollowUp(Action):
    def name(self) -> str:
        return "action_follow_up"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        aspect = (tracker.latest_message.get("intent") or {}).get("name") or ""
        return answer_follow_up(dispatcher, tracker, aspect)
