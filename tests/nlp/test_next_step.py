"""A short closing that says what comes next is a goodbye, not a question to answer again."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT

from bot.nlp.courtesy import Courtesies
from bot.nlp.crisis import CRISIS_HINT
from bot.nlp.next_step import GOODBYE, STOP, NextStep
from tests.nlp.parsed import parsed


@pytest.fixture(scope="module")
def steps() -> Courtesies:
    return Courtesies.load()


def _read(steps: Courtesies, text: str, diet: str, **data: object) -> str:
    ranking = [{"name": diet, "confidence": 0.9}, {"name": "out_of_scope", "confidence": 0.1}]
    return NextStep(steps).process([parsed(text, ranking, **data)])[0].get(INTENT)["name"]


@pytest.mark.parametrize(
    ("text", "diet"),
    [
        ("dobra, to zadzwonię do nich jutro", "contact_info"),
        ("ok pojde tam w poniedzialek rano", "find_branch"),
        ("no to trudno. to tyle", "nlu_fallback"),
        ("spoko, zadzwonie na ten numer", "contact_info"),
        ("w takim razie podjadę tam z dokumentami", "support"),
    ],
)
def test_a_closing_with_the_next_step_is_a_goodbye(steps: Courtesies, text: str, diet: str) -> None:
    assert _read(steps, text, diet) == GOODBYE


@pytest.mark.parametrize(
    ("text", "diet"),
    [
        ("zadzwonię do filii, podajcie numer", "contact_info"),  # asks for something
        ("sama zadzwonię, niech pani poda numer", "contact_info"),
        ("czy mogę tam pójść jutro", "find_branch"),  # a question
        ("kiedy mogę zadzwonić", "contact_info"),
        ("nie pójdę tam, boję się", "situation"),  # says no: more to tell
        ("mam 500 zł renty, to wszystko co mam", "situation"),  # "to wszystko" not as the end
        ("pani z filii wszystkich zna tyle", "situation"),  # "zna tyle" is no "na tyle"
        ("wybiorę dzielnicę z listy", "inform_district"),  # answers the branch search
        ("tak, zadzwonię sama", "affirm"),  # answers a form's question
        (
            "zadzwonię do nich jutro, ale najpierw chcę wiedzieć jakie dokumenty zabrać",
            "support",
        ),  # too long to be only a closing
    ],
)
def test_a_question_a_request_or_a_form_answer_keeps_its_reading(
    steps: Courtesies, text: str, diet: str
) -> None:
    assert _read(steps, text, diet) == diet


def test_a_possible_crisis_is_never_turned_into_a_goodbye(steps: Courtesies) -> None:
    assert _read(steps, "jutro pójdę tam ostatni raz", "crisis_suicide") == "crisis_suicide"
    hinted = _read(steps, "no to pójdę tam jutro", "nlu_fallback", **{CRISIS_HINT: True})
    assert hinted == "nlu_fallback"


@pytest.mark.parametrize(
    ("text", "diet"),
    [
        # read as refusing the address: the branch search would ask again
        ("nie chcę już szukać, dzięki", "decline_address"),
        ("zostaw to, nie trzeba", "deny"),
        ("dobra, nieważne", "nlu_fallback"),
        ("w takim razie nie chcę dalej", "deny"),
        ("no to nie chce juz dalej", "find_branch"),
        ("rezygnuję", "out_of_scope"),
        # not now, at the consent question of the handoff
        ("nie, jednak nie teraz", "nlu_fallback"),
        ("nie teraz, ja nie mam czas", "situation"),
    ],
)
def test_only_leaving_words_leave_what_is_going_on(steps: Courtesies, text: str, diet: str) -> None:
    assert _read(steps, text, diet) == STOP


@pytest.mark.parametrize(
    ("text", "diet"),
    [
        ("nie chcę podawać adresu", "decline_address"),  # refuses one step: the district list
        ("stop, chcę podać inny adres", "inform_address"),  # more to say
        ("nie trzeba nic płacić?", "ask_cost"),  # a question
        ("to koniec z nami, mąż się wyprowadził", "situation"),
        ("nie, jednak nie", "deny"),  # a plain no
        ("nie, nie chcę", "deny"),  # the form's own no (bot/branch_finder.py tells which)
    ],
)
def test_leaving_words_inside_more_keep_the_reading(
    steps: Courtesies, text: str, diet: str
) -> None:
    assert _read(steps, text, diet) == diet


def test_leaving_words_never_hide_a_possible_crisis(steps: Courtesies) -> None:
    assert _read(steps, "nie chcę już, koniec", "crisis_suicide") == "crisis_suicide"
    hinted = _read(steps, "nie chcę dalej", "deny", **{CRISIS_HINT: True})
    assert hinted == "deny"
