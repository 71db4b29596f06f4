"""End to end: the real Rasa server and action server, spoken to over the REST webhook."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import RasaStack

pytestmark = pytest.mark.slow


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def chat(stack: RasaStack, *messages: str) -> list[list[dict]]:
    """Send messages as one new resident; the replies to each."""
    sender = f"test-{uuid.uuid4().hex[:8]}"
    return [stack.send(sender, message) for message in messages]


def test_greeting_says_what_it_is_and_offers_topics(rasa_stack: RasaStack) -> None:
    (replies,) = chat(rasa_stack, "Dzień dobry")
    assert "automatycznym asystentem" in texts(replies)
    titles = [b["title"] for r in replies for b in r.get("buttons", [])]
    assert "Znajdź swoją filię" in titles and "Rozmowa z pracownikiem" in titles


def test_figures_of_pora_na_aktywnosc_come_with_their_year(rasa_stack: RasaStack) -> None:
    (replies,) = chat(rasa_stack, "Ile osób skorzystało z Pory na aktywność?")
    answer = texts(replies)
    assert "3 617" in answer and "2012" in answer


def test_cogito_is_said_to_be_over(rasa_stack: RasaStack) -> None:
    (replies,) = chat(rasa_stack, "czy moge sie jeszcze zapisac do cogito")
    assert "nie można już" in texts(replies)


def test_a_form_of_support_ends_with_how_to_ask_for_it(rasa_stack: RasaStack) -> None:
    (replies,) = chat(rasa_stack, "czy moge dostac asystenta rodzinnego?")
    answer = texts(replies)
    assert "asystenta rodzinnego" in answer and "pracownika socjalnego" in answer


def test_crisis_numbers_come_first(rasa_stack: RasaStack) -> None:
    (replies,) = chat(rasa_stack, "nie chce juz zyc")
    assert "800 70 2222" in replies[0]["text"]
    assert "12 616 54 08" in texts(replies[1:])  # then a person


def test_unknown_topics_get_an_honest_answer_with_contacts(rasa_stack: RasaStack) -> None:
    (replies,) = chat(rasa_stack, "ile wynosi zasilek 800 plus?")
    answer = texts(replies)
    assert "nie wiem" in answer and "12 616 54 08" in answer


def test_two_misunderstandings_lead_to_a_person(rasa_stack: RasaStack) -> None:
    first, second = chat(rasa_stack, "xkcd qwrtp zzzz", "blorp fnarg wug")
    assert "Czy chodzi o jeden z tych tematów?" in texts(first)
    assert any(b["title"] == "Coś innego" for b in first[0]["buttons"])
    assert len(first[0]["buttons"]) == 3  # the two likeliest topics and "something else"
    assert "12 616 54 08" in texts(second) and "nadal nie rozumiem" in texts(second)
