"""What follows an answer: the other question, then the gentle line, then the resident."""

from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.dialogue.after_answer_policy import GENTLE_LINE, next_after_answer

OFFER = "action_offer_other_question"


def user(**flags) -> UserUttered:
    return UserUttered("…", {"name": "support", "confidence": 0.6}, parse_data=flags)


def said(action: str) -> list:
    return [ActionExecuted(action), BotUttered("…")]


def test_nothing_before_the_answer() -> None:
    assert next_after_answer([user(crisis_hint=True), ActionExecuted("action_listen")]) is None


def test_after_the_answer_the_other_question_then_the_gentle_line() -> None:
    events = [user(other_question="contact_info", crisis_hint=True), *said("utter_support")]
    assert next_after_answer(events) == OFFER
    events += said(OFFER)
    assert next_after_answer(events) == GENTLE_LINE
    events += said(GENTLE_LINE)
    assert next_after_answer(events) is None


def test_an_unflagged_message_gets_nothing_more() -> None:
    assert next_after_answer([user(), *said("utter_support")]) is None


def test_a_crisis_reply_already_gives_every_number() -> None:
    events = [user(crisis_hint=True), *said("utter_crisis_suicide")]
    assert next_after_answer(events) is None


def test_only_the_latest_message_counts() -> None:
    events = [user(crisis_hint=True), *said("utter_support"), *said(GENTLE_LINE)]
    events += [user(), *said("utter_greet")]
    assert next_after_answer(events) is None
