"""A message with two questions: the other one is found and offered as a button."""

from __future__ import annotations

import pytest

from bot.clarify import load_topics
from bot.follow_up import FollowUps
from bot.other_question import (
    Readings,
    known_part,
    offer,
    question_parts,
    texts_to_read,
    two_questions,
)

TOPICS = load_topics()


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("ile kosztowalo cogito i dla kogo bylo", 2),
        ("co to jest KIS? a numer telefonu?", 2),
        ("Jestem bezrobotny i szukam pracy", 1),
        ("czym był projekt COGITO", 1),
        ("pytam o grupę wsparcia, a doradcę zawodowego też macie", 2),
        ("Proszę o informację o terapii, a także o poradnictwie prawnym.", 2),
    ],
)
def test_questions_are_told_apart(text: str, parts: int) -> None:
    assert len(question_parts(text)) == parts


def test_the_other_topic_is_offered_as_its_button() -> None:
    topic = TOPICS["cogito/who"]
    assert offer(topic).buttons == [{"title": topic.title, "payload": topic.payload}]


def test_one_readable_question_offers_nothing() -> None:
    text = "Dzien dobry. Czy jest asystent osoby niepelnosprawnej dla mamy?"
    model = {
        "Dzien dobry": {"greet": 0.9},
        "Czy jest asystent osoby niepelnosprawnej dla mamy": {"support/disability_assistant": 0.9},
    }
    assert two_questions(text, model, TOPICS, FOLLOW_UPS) is None


FOLLOW_UPS = FollowUps.load()


def reads(table: dict[str, dict[str, float]]) -> Readings:
    """The part model's readings of a message's parts."""
    return table


def test_the_first_question_is_answered_and_the_second_offered() -> None:
    model = reads(
        {
            "gdzie jest mops": {"contact_info": 0.6, "find_branch": 0.3},
            "czy macie psychologa": {"support/counselling_psych": 0.99},
        }
    )
    found = two_questions("gdzie jest mops i czy macie psychologa", model, TOPICS, FOLLOW_UPS)
    assert found is not None and found.main is not None
    assert (found.main.key, found.offer_beside(found.main.key)) == (
        "contact_info",
        "support/counselling_psych",
    )


def test_a_question_without_its_topic_is_read_for_the_topic_before_it() -> None:
    model = reads(
        {
            "ile kosztowalo cogito": {"cogito/value_dates": 0.8},
            "dla kogo bylo": {"cogito/who": 0.3, "ask_who": 0.4, "pora/who": 0.3},
        }
    )
    found = two_questions("ile kosztowalo cogito i dla kogo bylo", model, TOPICS, FOLLOW_UPS)
    assert found is not None and found.main is not None
    assert (found.main.key, found.offer_beside(found.main.key)) == (
        "cogito/value_dates",
        "cogito/who",
    )


def test_the_question_after_a_story_is_the_main_one() -> None:
    text = "Ma 24 lata, od dwoch lat nie pracuje. Czy Pora na aktywnosc jest dla takich osob?"
    model = reads(
        {
            "Ma 24 lata, od dwoch lat nie pracuje": {"situation/no_job": 0.8},
            "Czy Pora na aktywnosc jest dla takich osob": {"pora/who": 0.7},
        }
    )
    found = two_questions(text, model, TOPICS, FOLLOW_UPS)
    assert found is not None and found.main is not None
    assert (found.main.key, found.offer_beside(found.main.key)) == ("pora/who", "situation/no_job")


def test_a_question_about_what_the_story_told_asks_about_that() -> None:
    text = "Sasiadka mowila mi o asystencie rodzinnym dla dzieci. Jak to sie zalatwia?"
    model = reads(
        {
            "Sasiadka mowila mi o asystencie rodzinnym dla dzieci": {
                "support/family_assistant": 0.9
            },
            "Jak to sie zalatwia": {"ask_how_join": 0.9},
        }
    )
    found = two_questions(text, model, TOPICS, FOLLOW_UPS)
    # "Sąsiadka mówiła, że…" reads as a question here ("można"); either way the assistant answers
    # about the family assistant, not with the branch search the aspect alone would start.
    assert found is None or (
        found.main is not None and found.main.key == "support/family_assistant"
    )


def test_an_unreadable_question_leaves_the_whole_message_reading() -> None:
    text = "Jestem bez pracy od roku. Slyszalem o Porze na aktywnosc. Gdzie mam sie z tym zglosic?"
    model = reads(
        {
            "Jestem bez pracy od roku": {"situation/no_job": 0.7},
            "Slyszalem o Porze na aktywnosc": {"pora/about": 0.8},
            "Gdzie mam sie z tym zglosic": {"out_of_scope": 0.3, "greet": 0.2},
        }
    )
    found = two_questions(text, model, TOPICS, FOLLOW_UPS)
    assert found is not None and found.main is None


def test_a_story_alone_has_no_main_question_but_offers_the_other_topic() -> None:
    text = (
        "Mama jest po udarze, chodzi o kulach. Pracuje do 18 i nie daje rady sama z tym wszystkim."
    )
    model = reads(
        {
            "Mama jest po udarze, chodzi o kulach": {"situation/illness": 0.7},
            "Pracuje do 18 i nie daje rady sama z tym wszystkim": {"situation/carer": 0.8},
        }
    )
    found = two_questions(text, model, TOPICS, FOLLOW_UPS)
    assert found is not None and found.main is None
    assert found.offer_beside("situation/illness") == "situation/carer"
    assert found.offer_beside("situation/carer") == "situation/illness"


def test_two_offers_named_side_by_side_are_two_questions() -> None:
    text = "pomoc psychologa i porada prawna w jednym miejscu, da się?"
    model = reads(
        {
            "pomoc psychologa i porada prawna w jednym miejscu, da się": {
                "support/counselling_psych": 0.5,
                "support/counselling_legal": 0.3,
            },
            "pomoc psychologa": {"support/counselling_psych": 0.99},
            "porada prawna w jednym miejscu, da się": {"support/counselling_legal": 0.8},
        }
    )
    assert texts_to_read(text)[1:] == list(model)[1:]
    found = two_questions(text, model, TOPICS, FOLLOW_UPS)
    assert found is not None and found.main is not None
    assert (found.main.key, found.offer_beside(found.main.key)) == (
        "support/counselling_psych",
        "support/counselling_legal",
    )


def test_a_situation_told_with_i_stays_one_question() -> None:
    text = "Jestem bezrobotny i szukam pracy"
    model = reads(
        {
            text: {"situation/no_job": 0.99},
            "Jestem bezrobotny": {"situation/no_job": 0.55},
            "szukam pracy": {"situation/no_job": 0.99},
        }
    )
    assert two_questions(text, model, TOPICS, FOLLOW_UPS) is None


@pytest.mark.parametrize(
    ("text", "readings", "answered", "offered"),
    [
        (  # a part that names no project asks about the one before it
            "czy cogito wydało jakiś poradnik? a dla kogo był ten projekt",
            {
                "czy cogito wydało jakiś poradnik": {"cogito/guide_campaign": 0.94},
                "dla kogo był ten projekt": {"pora/who": 0.31, "ask_who": 0.16},
            },
            "cogito/guide_campaign",
            "cogito/who",
        ),
        (  # a part that names the other project asks about that one
            "cogito dla kogo było? i dla kogo jest pora na aktywność",
            {
                "cogito dla kogo było": {"cogito/who": 0.97},
                "dla kogo jest pora na aktywność": {"pora/who": 0.9},
            },
            "cogito/who",
            "pora/who",
        ),
        (  # an aspect answered by a message (pora_when) offers the project's own card
            "za co wyróżniono porę na aktywność? i od kiedy ten projekt trwa",
            {
                "za co wyróżniono porę na aktywność": {"pora/award": 0.78},
                "od kiedy ten projekt trwa": {"ask_when": 0.87},
            },
            "pora/award",
            "pora/about",
        ),
    ],
)
def test_the_other_question_is_read_in_the_right_topic(
    text: str, readings: dict[str, dict[str, float]], answered: str, offered: str
) -> None:
    found = two_questions(text, reads(readings), TOPICS, FOLLOW_UPS)
    assert found is not None and found.offer_beside(answered) == offered


def test_the_known_question_beside_an_unknown_one_is_answered() -> None:
    text = "macie asystenta rodzinnego i ile wynosi dodatek węglowy"
    model = reads(
        {
            "macie asystenta rodzinnego": {"support/family_assistant": 0.94},
            "ile wynosi dodatek węglowy": {"out_of_scope": 1.0},
        }
    )
    found = known_part(text, model, TOPICS, FOLLOW_UPS)
    assert found is not None and found.key == "support/family_assistant"
    model_without_unknown = reads(
        {"macie asystenta rodzinnego": {"support/family_assistant": 0.94}}
    )
    assert known_part(text, model_without_unknown, TOPICS, FOLLOW_UPS) is None
