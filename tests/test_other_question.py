"""A message with two questions: the other one is found and offered as a button."""

from __future__ import annotations

import pytest

from bot.clarify import load_topics
from bot.other_question import offer, other_topic, question_parts

TOPICS = load_topics()


def parse(intents: list[tuple[str, float]], answers: dict | None = None) -> dict:
    selector = {
        intent: {
            "response": {"intent_response_key": ranked[0][0]},
            "ranking": [{"intent_response_key": k, "confidence": c} for k, c in ranked],
        }
        for intent, ranked in (answers or {}).items()
    }
    return {
        "intent": {"name": intents[0][0], "confidence": intents[0][1]},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in intents],
        "response_selector": selector,
    }


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("ile kosztowalo cogito i dla kogo bylo", 2),
        ("co to jest KIS? a numer telefonu?", 2),
        ("Jestem bezrobotny i szukam pracy", 1),
        ("czym był projekt COGITO", 1),
    ],
)
def test_questions_are_told_apart(text: str, parts: int) -> None:
    assert len(question_parts(text)) == parts


def test_the_other_answer_of_the_same_project_is_offered() -> None:
    flagged = parse(
        [("cogito", 0.98)], {"cogito": [("cogito/who", 0.6), ("cogito/value_dates", 0.35)]}
    )
    topic = other_topic("ile kosztowalo cogito i dla kogo bylo", flagged, TOPICS)
    assert topic is not None and topic.key == "cogito/value_dates"
    rendered = offer(topic)
    assert rendered.buttons == [{"title": topic.title, "payload": topic.payload}]


def test_another_intent_is_offered() -> None:
    flagged = parse([("pora", 0.7), ("contact_info", 0.25)], {"pora": [("pora/about", 0.9)]})
    topic = other_topic("co to pora na aktywnosc i jak sie do was dodzwonic", flagged, TOPICS)
    assert topic is not None and topic.key == "contact_info"


def test_one_question_or_an_unlikely_second_topic_offers_nothing() -> None:
    flagged = parse([("pora", 0.99), ("contact_info", 0.005)], {"pora": [("pora/about", 0.99)]})
    assert other_topic("co to pora na aktywnosc i jak sie zapisac", flagged, TOPICS) is None
    assert other_topic("czym jest pora na aktywnosc", flagged, TOPICS) is None
