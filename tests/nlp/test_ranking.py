"""The answer Rasa gives is the classified intent's own, also when one selector ranks them all."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from bot.nlp.part_reader import PART_READINGS
from bot.nlp.ranking import answer_of_the_intent

TEXT = "kto finansował porę na aktywność? i czy jest asystent rodzinny"


def message(
    intent: str,
    chosen: str,
    ranking: list[tuple[str, float]],
    reading: dict[str, float] | None = None,
) -> Message:
    selector = {
        "all_retrieval_intents": ["pora", "support"],
        "default": {
            "response": {"intent_response_key": chosen, "utter_action": f"utter_{chosen}"},
            "ranking": [{"intent_response_key": k, "confidence": c} for k, c in ranking],
        },
    }
    return Message(
        data={
            "text": TEXT,
            "intent": {"name": intent, "confidence": 0.94},
            "intent_ranking": [{"name": intent, "confidence": 0.94}],
            "response_selector": selector,
            PART_READINGS: {TEXT: reading or {}},
        }
    )


def test_the_selector_answer_of_another_intent_is_replaced_by_the_intents_own() -> None:
    ranking = [("support/family_assistant", 0.6), ("pora/funding", 0.3), ("pora/about", 0.1)]
    msg = message("pora", "support/family_assistant", ranking)
    answer_of_the_intent(msg)
    response = msg.get("response_selector")["default"]["response"]
    assert response["intent_response_key"] == "pora/funding"
    assert response["utter_action"] == "utter_pora/funding"


def test_an_answer_of_the_intent_itself_is_kept() -> None:
    msg = message("pora", "pora/about", [("pora/about", 0.7), ("support/kis", 0.3)])
    answer_of_the_intent(msg)
    assert (
        msg.get("response_selector")["default"]["response"]["intent_response_key"] == "pora/about"
    )


def chosen_key(msg: Message) -> str:
    return msg.get("response_selector")["default"]["response"]["intent_response_key"]


def test_the_answer_both_models_favour_wins_a_close_call_of_the_selector() -> None:
    # "uprzejmie proszę o przybliżenie, na czym polega projekt": the selector leans to the results.
    ranking = [("pora/results", 0.45), ("pora/about", 0.4), ("support/kis", 0.15)]
    reading = {"pora/about": 0.6, "pora/results": 0.1, "greet": 0.3}
    msg = message("pora", "pora/results", ranking, reading)
    answer_of_the_intent(msg)
    assert chosen_key(msg) == "pora/about"
    # A part model that agrees with the selector changes nothing.
    agreeing = message("pora", "pora/results", ranking, {"pora/results": 0.7})
    answer_of_the_intent(agreeing)
    assert chosen_key(agreeing) == "pora/results"


def test_an_answer_a_guard_chose_is_kept() -> None:
    ranking = [("support/kis", 0.7), ("situation/debts", 0.2), ("situation/housing", 0.1)]
    msg = message("situation", "situation/debts", ranking, {"situation/housing": 0.9})
    answer_of_the_intent(msg)
    assert chosen_key(msg) == "situation/debts"
