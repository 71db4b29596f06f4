"""End to end: the real Rasa server and action server, spoken to over the REST webhook."""

from __future__ import annotations

import os
import uuid

import pytest
import requests

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


def test_an_address_is_confirmed_then_the_information_point_is_given(rasa_stack: RasaStack) -> None:
    question, answer = chat(rasa_stack, "mieszkam na jozefinskiej 14", "tak")
    assert "Czy chodzi o Dzielnicę XIII Podgórze?" in texts(question)
    assert [b["title"] for b in question[-1]["buttons"]] == ["Tak", "Nie"]
    assert "nie mam sprawdzonego adresu filii" in texts(answer)
    assert "12 616 54 08" in texts(answer) and "ul. Józefińska 14" in texts(answer)


def test_a_known_branch_is_named_with_address_and_phone(rasa_stack: RasaStack) -> None:
    opening, question, answer = chat(rasa_stack, "gdzie jest moja filia?", "ul. Rzeźnicza 2", "tak")
    assert "ulicę i numer" in texts(opening)
    assert "Dzielnicę II Grzegórzki" in texts(question)
    assert "Filia nr 1" in texts(answer) and "ul. Rzeźnicza 2" in texts(answer)
    assert "12 430-45-46" in texts(answer) and "2014" in texts(answer)


def test_a_no_to_the_district_asks_again_with_the_district_list(rasa_stack: RasaStack) -> None:
    _, again = chat(rasa_stack, "mieszkam na Lipowej 3", "nie")
    assert "adres jeszcze raz" in texts(again)
    assert len(again[-1]["buttons"]) == 18


def test_a_no_that_leaves_ends_the_search_at_the_district_question(rasa_stack: RasaStack) -> None:
    _, left, after = chat(rasa_stack, "mieszkam na Lipowej 3", "nie chcę", "dziękuję")
    assert "nie szukam dalej" in texts(left)
    # the search is over: thanks get their answer and no question for the address follows
    assert "adres" not in texts(after).lower() and "dzielnic" not in texts(after).lower()


def test_a_closing_with_the_next_step_is_a_goodbye(rasa_stack: RasaStack) -> None:
    _, closing = chat(rasa_stack, "jaki jest numer do mopsu?", "dobra, to zadzwonię do nich jutro")
    assert "Do widzenia" in texts(closing) and "12 616 54 08" not in texts(closing)


def test_joining_pora_leads_to_the_branch_finder(rasa_stack: RasaStack) -> None:
    (replies,) = chat(rasa_stack, "jak sie zapisac do pory na aktywnosc?")
    answer = texts(replies)
    assert "pracownika socjalnego" in answer and "ulicę i numer" in answer


def test_a_question_mid_search_is_answered_and_the_search_resumes(rasa_stack: RasaStack) -> None:
    _, interruption, answer = chat(
        rasa_stack, "gdzie jest moja filia", "a czy cogito jeszcze trwa?", "Rzeźnicza 2"
    )
    assert "2008" in texts(interruption) and "ulicę i numer" in texts(interruption)
    assert "Dzielnicę II Grzegórzki" in texts(answer)


def test_a_crisis_mid_search_comes_first_and_ends_the_search(rasa_stack: RasaStack) -> None:
    _, crisis, after = chat(rasa_stack, "gdzie jest moja filia", "maz mnie bije", "Rzeźnicza 2")
    assert "112" in crisis[0]["text"] and "800 120 002" in crisis[0]["text"]
    # The search ended: a street given afterwards starts a new one from scratch.
    assert "Dzielnicę II Grzegórzki" in texts(after)


def test_rather_not_give_an_address(rasa_stack: RasaStack) -> None:
    _, replies = chat(rasa_stack, "gdzie jest moja filia", "wolę nie podawać adresu")
    assert "nie trzeba podawać adresu" in texts(replies) and "12 616 54 08" in texts(replies)
    assert len(replies[-1]["buttons"]) == 18


def test_a_district_button_leads_to_the_branch(rasa_stack: RasaStack) -> None:
    question, answer = chat(rasa_stack, '/inform_district{"district": "IV"}', "tak")
    assert "Dzielnicę IV Prądnik Biały" in texts(question)
    assert "Filia nr 2" in texts(answer) and "ul. Radzikowskiego 37" in texts(answer)


def test_rasa_http_api_needs_the_token(rasa_stack: RasaStack) -> None:
    assert requests.get(f"{rasa_stack.rasa_url}/status", timeout=10).status_code == 401
    token = os.environ["RASA_AUTH_TOKEN"]
    assert requests.get(f"{rasa_stack.rasa_url}/status?token={token}", timeout=10).ok


def test_contacts_list_the_information_point_and_the_known_branches(rasa_stack: RasaStack) -> None:
    (replies,) = chat(rasa_stack, "jaki jest numer telefonu do mopsu?")
    answer = texts(replies)
    assert "12 616 54 08" in answer and "Filia nr 1" in answer and "Filia nr 2" in answer


def test_a_street_in_two_districts_asks_and_the_neighbourhood_decides(
    rasa_stack: RasaStack,
) -> None:
    question, confirm = chat(rasa_stack, "mieszkam przy Zakopiańskiej", "Swoszowice")
    assert "przebiega przez kilka dzielnic" in texts(question)
    assert [b["title"] for b in question[-1]["buttons"]] == [
        "IX Łagiewniki-Borek Fałęcki",
        "X Swoszowice",
    ]
    assert "Czy chodzi o Dzielnicę X Swoszowice?" in texts(confirm)


def test_an_unknown_street_offers_the_districts(rasa_stack: RasaStack) -> None:
    unknown, confirm = chat(
        rasa_stack, "mieszkam na ulicy Nieistniejącej 5", '/inform_district{"district": "XVIII"}'
    )
    assert "Nie rozpoznaję tego adresu" in texts(unknown) and len(unknown[-1]["buttons"]) == 18
    assert "Czy chodzi o Dzielnicę XVIII Nowa Huta?" in texts(confirm)


def test_outside_krakow_points_to_the_local_centre(rasa_stack: RasaStack) -> None:
    (replies,) = chat(rasa_stack, "mieszkam w Wieliczce")
    assert "ośrodek pomocy społecznej" in texts(replies)
