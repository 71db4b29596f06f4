"""A short follow-up that names no topic asks about the aspect its words name."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.crisis import CRISIS_HINT
from bot.nlp.follow_up_cue import TOPIC, FollowUpCue, FollowUpCues
from tests.nlp.parsed import parsed


@pytest.fixture(scope="module")
def cues() -> FollowUpCues:
    return FollowUpCues.load()


def _parse(cues: FollowUpCues, text: str, diet: str, **data: object) -> Message:
    ranking = [{"name": diet, "confidence": 0.6}, {"name": "out_of_scope", "confidence": 0.4}]
    return FollowUpCue(cues).process([parsed(text, ranking, **data)])[0]


def _read(cues: FollowUpCues, text: str, diet: str, **data: object) -> str:
    return str(_parse(cues, text, diet, **data).get(INTENT)["name"])


@pytest.mark.parametrize(
    ("text", "diet", "aspect"),
    [
        ("a czy kazdy moze sie tam zglosic, czy tylko bezrobotni?", "situation", "ask_who"),
        ("i to jest za darmo?", "nlu_fallback", "ask_cost"),
        ("a dostaje sie jakies pieniadze za udzial?", "situation", "ask_cost"),
        ("ok a kto za to wszystko placil", "out_of_scope", "ask_funding"),
        ("a to nadal działa?", "nlu_fallback", "ask_when"),
        ("od kiedy?", "nlu_fallback", "ask_when"),
        ("kiedy on w ogóle powstał", "nlu_fallback", "ask_when"),  # "on" points back
        ("dzięki, a jak się tam zapisać", "thank", "ask_how_join"),
        ("a co jest dzisiaj w zamian", "nlu_fallback", "ask_how_join"),
        ("a gdzie to było", "find_branch", "ask_where"),
        ("no a kto to organizowal", "out_of_scope", "ask_organiser"),
        ("a jakie byly efekty", "nlu_fallback", "ask_results"),
        ("a ile z nich dostało potem pracę", "nlu_fallback", "ask_results"),
        ("i ktoś znalazł pracę po tym?", "situation", "ask_results"),
        ("na czym to polegalo?", "out_of_scope", "ask_details"),
    ],
)
def test_a_follow_up_asks_about_the_aspect_it_names(
    cues: FollowUpCues, text: str, diet: str, aspect: str
) -> None:
    assert _read(cues, text, diet) == aspect


@pytest.mark.parametrize(
    ("text", "diet"),
    [
        ("a ten kurs jest długi?", "support"),  # names its own topic
        ("a jaki mają numer telefonu?", "contact_info"),
        ("co to jest zasiłek celowy", "out_of_scope"),
        ("ile kosztuje obiad w stołówce dla bezdomnych", "out_of_scope"),  # no follow-up
        ("mam troje dzieci i od roku nie mam pracy", "situation"),  # asks nothing
        (
            "a ja bym chciała wiedzieć kiedy wreszcie ktoś z opieki do nas przyjdzie bo czekamy",
            "own_case",
        ),  # too long to be a follow-up
        ("a kiedy mogę porozmawiać z kimś", "request_human"),  # a request for a person stays one
        ("a gdzie mieszka pani na Krowoderskiej 5", "inform_address"),
        ("a 500 plus gdzie się składa", "out_of_scope"),  # a number: its own subject
        ("Bóg zapłać", "thank"),  # short, but "Bóg" is no follow-up's word
        ("dzięki, już się zapisałam", "thank"),  # tells what was done
        ("chorzów gdzie pomoc", "find_branch"),
        ("i dostali za to jakąś nagrodę?", "pora"),  # a topic's own answer stands
    ],
)
def test_other_messages_keep_their_reading(cues: FollowUpCues, text: str, diet: str) -> None:
    assert _read(cues, text, diet) == diet


@pytest.mark.parametrize(
    ("text", "diet", "topic"),
    [
        ("czy za terapię w MOPS trzeba płacić?", "support", "support"),
        ("porada prawnika w mopsie jest płatna?", "support", "support"),
        ("a ten kurs jest płatny?", "support", "support"),
        (
            "syn od roku bez pracy, jak pójdzie do pory na aktywność to dostanie jakieś pieniądze?",
            "situation",
            "pora",
        ),
    ],
)
def test_the_cost_of_a_named_topic_is_asked_of_that_topic(
    cues: FollowUpCues, text: str, diet: str, topic: str
) -> None:
    """The description of the topic does not say what it costs: the question is the aspect."""
    message = _parse(cues, text, diet)
    assert message.get(INTENT)["name"] == "ask_cost"
    assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [(TOPIC, topic)]


@pytest.mark.parametrize(
    ("text", "diet"),
    [
        ("dla kogo jest asystent rodzinny?", "support"),  # its description tells
        ("jest u was darmowy psycholog?", "support"),  # asks for the help itself
        ("dzieci płaczą, gdzie jest filia dla Bronowic?", "find_branch"),  # "płaczą" is no paying
        ("czy zasiłek celowy jest płatny od razu?", "out_of_scope"),  # no topic of the assistant's
        ("ile kosztowało cogito i dla kogo było?", "cogito"),  # its answer tells the cost
        ("a kto płaci za porę na aktywność, unia?", "pora"),  # funding, not cost
    ],
)
def test_other_aspects_of_a_named_topic_keep_the_classifiers_answer(
    cues: FollowUpCues, text: str, diet: str
) -> None:
    message = _parse(cues, text, diet)
    assert message.get(INTENT)["name"] == diet
    assert not message.get(ENTITIES)


def test_the_classifiers_aspect_stays(cues: FollowUpCues) -> None:
    """Where the classifier read an aspect, its choice between two stands ("a kto płaci?")."""
    assert _read(cues, "a kto za to płaci", "ask_cost") == "ask_cost"


def test_a_possible_crisis_keeps_its_reading(cues: FollowUpCues) -> None:
    assert _read(cues, "a kiedy to sie skonczy", "crisis_suicide") == "crisis_suicide"
    assert _read(cues, "a kiedy to sie skonczy", "nlu_fallback", **{CRISIS_HINT: True}) == (
        "nlu_fallback"
    )


def test_the_file_names_only_aspects(tmp_path: Path) -> None:
    bad = tmp_path / "cues.yml"
    bad.write_text(
        "connectors: [a]\nfillers: []\nanaphors: []\nglue: []\nnamed: {}\nasked_of_named: {}\n"
        "short: 4\nmax_words: 10\nmax_named_words: 20\nask_price: [ile]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="ask_price"):
        FollowUpCues.load(bad)
