"""Fallback behaviour: the two likeliest topics first, a person after a second failure."""

from __future__ import annotations

import yaml

from bot.clarify import (
    Topic,
    UserTurn,
    beyond_knowledge,
    failures_in_a_row,
    intent_key,
    likely_topics,
    load_topics,
    user_turns,
)
from tests.conftest import ROOT

TOPICS = load_topics()


def parse(ranking: list[str], selector: dict[str, str] | None = None) -> dict:
    return {
        "intent": {"name": "nlu_fallback"},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.5}]
        + [{"name": name, "confidence": 0.3} for name in ranking],
        "response_selector": {
            intent: {"ranking": [{"intent_response_key": key, "confidence": 0.9}]}
            for intent, key in (selector or {}).items()
        },
    }


def test_retrieval_intents_are_narrowed_to_their_likeliest_sub_topic() -> None:
    topics = likely_topics(
        parse(["support", "pora"], {"support": "support/therapy", "pora": "pora/results"}), TOPICS
    )
    assert [t.key for t in topics] == ["support/therapy", "pora/results"]
    assert topics[0].payload == "Czy mogę skorzystać z terapii?"


def test_intents_without_a_topic_are_skipped_and_only_two_are_offered() -> None:
    topics = likely_topics(
        parse(["affirm", "greet", "contact_info", "find_branch", "help"]), TOPICS
    )
    assert [t.key for t in topics] == ["contact_info", "find_branch"]


def test_the_same_topic_is_not_offered_twice() -> None:
    topics = likely_topics(
        parse(["cogito", "cogito", "help"], {"cogito": "cogito/join"}), {**TOPICS}
    )
    assert [t.key for t in topics] == ["cogito/join", "help"]


def test_nothing_to_offer_when_the_ranking_is_empty() -> None:
    assert likely_topics({"intent_ranking": []}, TOPICS) == []


def test_a_reply_of_none_of_these_keeps_counting_failures() -> None:
    turns = [
        UserTurn("greet", None),
        UserTurn("nlu_fallback", "utter_greet"),
        UserTurn("deny", "action_clarify"),
        UserTurn("nlu_fallback", "utter_rephrase"),
    ]
    assert failures_in_a_row(turns, "action_clarify") == 2


def test_an_understood_message_resets_the_count() -> None:
    turns = [UserTurn("nlu_fallback", None), UserTurn("pora", "action_clarify")]
    assert failures_in_a_row(turns, "action_clarify") == 0
    turns.append(UserTurn("nlu_fallback", "utter_pora"))
    assert failures_in_a_row(turns, "action_clarify") == 1


def test_a_plain_no_is_not_a_failure() -> None:
    turns = [UserTurn("nlu_fallback", None), UserTurn("deny", "utter_anything_else")]
    assert failures_in_a_row(turns, "action_clarify") == 0


def test_user_turns_pair_messages_with_the_action_before_them() -> None:
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}},
        {"event": "action", "name": "action_clarify"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "parse_data": {"intent": {"name": "deny"}}},
    ]
    assert user_turns(events) == [
        UserTurn("nlu_fallback", None),
        UserTurn("deny", "action_clarify"),
    ]


def test_every_answer_topic_in_the_domain_can_be_offered() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    sub_topics = {name.removeprefix("utter_") for name in domain["responses"] if "/" in name}
    assert sub_topics <= set(TOPICS), sub_topics - set(TOPICS)
    assert all(
        isinstance(topic, Topic) and topic.title and topic.payload for topic in TOPICS.values()
    )


def test_one_selector_for_every_retrieval_intent_is_read_too() -> None:
    """config.yml trains one ResponseSelector: Rasa reports it under "default"."""
    ranking = [("pora/results", 0.5), ("support/therapy", 0.3), ("support/kis", 0.1)]
    parse = {
        "intent": {"name": "support"},
        "intent_ranking": [{"name": "support", "confidence": 0.9}],
        "response_selector": {
            "default": {
                "response": {"intent_response_key": "pora/results"},
                "ranking": [{"intent_response_key": k, "confidence": c} for k, c in ranking],
            }
        },
    }
    assert intent_key(parse) == "support/therapy"
    assert [t.key for t in likely_topics(parse, TOPICS)] == ["support/therapy"]


def test_a_question_beyond_the_sources_is_answered_honestly_not_with_topics() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "out_of_scope", "confidence": 0.24},
        {"name": "situation", "confidence": 0.2},
    ]
    assert beyond_knowledge({"intent_ranking": ranking})
    ranking[1], ranking[2] = ranking[2], ranking[1]
    assert not beyond_knowledge({"intent_ranking": ranking})
    faint = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "out_of_scope", "confidence": 0.1},
    ]
    assert not beyond_knowledge({"intent_ranking": faint})


def test_a_message_of_unknown_words_is_not_answered_from_its_meaningless_ranking() -> None:
    """The unknown-words guard sends it to the fallback without ranking the fallback."""
    ranking = [{"name": "out_of_scope", "confidence": 0.6}, {"name": "greet", "confidence": 0.3}]
    assert not beyond_knowledge({"intent_ranking": ranking})
