"""The answer Rasa gives is the classified intent's own, also when one selector ranks them all."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from bot.nlp.ranking import answer_of_the_intent


def message(intent: str, chosen: str, ranking: list[tuple[str, float]]) -> Message:
    selector = {
        "all_retrieval_intents": ["pora", "support"],
        "default": {
            "response": {"intent_response_key": chosen, "utter_action": f"utter_{chosen}"},
            "ranking": [{"intent_response_key": k, "confidence": c} for k, c in ranking],
        },
    }
    return Message(
        data={
            "text": "kto finansował porę na aktywność? i czy jest asystent rodzinny",
            "intent": {"name": intent, "confidence": 0.94},
            "intent_ranking": [{"name": intent, "confidence": 0.94}],
            "response_selector": selector,
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
