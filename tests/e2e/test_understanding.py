"""End to end, as residents write: follow-ups, addresses in sentences, ways out, no false alarms.

The real Rasa server and action server over the REST webhook; each reply is read from the tracker
(bot.evaluation.replies) so that the test names what the resident got, not how it was worded.
"""

from __future__ import annotations

import uuid

import pytest

from bot.evaluation.replies import Turn, last_turn
from tests.conftest import RasaStack

pytestmark = pytest.mark.slow

CRISIS_NUMBERS = ("800 70 2222", "112")


def chat(stack: RasaStack, *messages: str) -> list[Turn]:
    """Send messages as one new resident; the assistant's reply to each."""
    sender = f"understanding-{uuid.uuid4().hex[:8]}"
    turns = []
    for message in messages:
        stack.send(sender, message)
        turns.append(last_turn(stack.tracker(sender)))
    return turns


def test_follow_ups_about_cogito_are_answered_for_cogito(rasa_stack: RasaStack) -> None:
    about, when, cost = chat(
        rasa_stack, "Czym był projekt COGITO?", "a kiedy się skończył?", "ile kosztował?"
    )
    assert about.first == "cogito/about"
    assert when.first == "cogito/value_dates" and "2008" in when.text
    assert cost.first == "cogito/value_dates" and "291 093,97" in cost.text
    assert not any(n in when.text + cost.text for n in CRISIS_NUMBERS)


def test_what_the_sources_do_not_know_is_said_honestly(rasa_stack: RasaStack) -> None:
    _, cost = chat(rasa_stack, "co to jest pora na aktywnosc", "a ile to kosztuje?")
    assert cost.first == "out_of_scope" and "12 616 54 08" in cost.text


def test_follow_ups_in_a_residents_own_words_are_read_in_the_topic(rasa_stack: RasaStack) -> None:
    """Words the classifier ties to a life situation ("bezrobotni") do not hide the follow-up
    (bot/nlp/follow_up_cue.py)."""
    about, who, join = chat(
        rasa_stack,
        "czym jest pora na aktywnosc",
        "a to jest tylko dla bezrobotnych czy kazdy moze?",
        "ok a jak sie tam dostac",
    )
    assert about.first == "pora/about"
    assert who.first == "pora/who"
    assert join.first == "pora/join" and join.active_loop == "branch_form"


def test_a_follow_up_about_a_project_in_its_own_words_gets_the_projects_answer(
    rasa_stack: RasaStack,
) -> None:
    """No aspect of the follow-up table names a guide: the project's own answer is found in the
    context of the project (bot/follow_up.py: answer_in_topic)."""
    about, guide = chat(rasa_stack, "Czym był projekt COGITO?", "a był do tego jakiś poradnik?")
    assert about.first == "cogito/about"
    assert guide.first == "cogito/guide_campaign" and "500" in guide.text


def test_the_cost_of_a_named_form_of_support_is_said_to_be_unknown(rasa_stack: RasaStack) -> None:
    """The description of therapy says nothing of its cost: the resident hears where to ask, even
    after a topic whose cost is known."""
    _, cost = chat(rasa_stack, "Czym był projekt COGITO?", "czy terapia w mopsie jest za darmo?")
    assert cost.labels == ["out_of_scope"] and "12 616 54 08" in cost.text
    assert "291 093,97" not in cost.text


def test_after_the_branch_or_the_contacts_a_follow_up_is_about_the_office(
    rasa_stack: RasaStack,
) -> None:
    *_, answer, where = chat(rasa_stack, "filia dla Krowodrzy", "tak", "a gdzie to jest?")
    assert answer.first == "branch/answer"
    assert where.labels == ["contact"] and "Józefińska 14" in where.text
    _, visit = chat(rasa_stack, "jaki jest telefon do mopsu", "a trzeba się wcześniej umawiać?")
    assert visit.labels == ["out_of_scope"] and "12 616 54 08" in visit.text


def test_where_the_club_is_after_its_answer_is_not_the_residents_branch(
    rasa_stack: RasaStack,
) -> None:
    """The answer just given decides (data/follow_ups.yml, support/kis): the club is known from
    2004-2008 only, so where it is now the information point says."""
    club, where, join = chat(
        rasa_stack,
        "Czym jest Klub Integracji Społecznej?",
        "a gdzie to jest?",
        "a jak się zapisać?",
    )
    assert club.first == "support/kis"
    assert where.labels == ["out_of_scope"] and "12 616 54 08" in where.text
    # the next follow-up is still about the club, not the branch
    assert join.labels == ["out_of_scope"] and join.active_loop is None


def test_an_address_inside_a_question_goes_to_the_branch_finder(rasa_stack: RasaStack) -> None:
    (turn,) = chat(rasa_stack, "mieszkam na ulicy Witosa 5, gdzie mam isc")
    assert turn.first == "branch/confirm" and turn.slots["district"] == "XI"
    assert "Podgórze Duchackie" in turn.text


def test_a_town_outside_krakow_gets_its_own_gmina(rasa_stack: RasaStack) -> None:
    (turn,) = chat(rasa_stack, "Jestem z Tarnowa, gdzie mam się zgłosić?")
    assert turn.first == "outside_krakow"


def test_yes_with_the_district_names_the_branch(rasa_stack: RasaStack) -> None:
    confirm, answer = chat(rasa_stack, "mieszkam na Krowodrzy", "tak, Krowodrza")
    assert confirm.first == "branch/confirm" and answer.first == "branch/answer"


def test_the_branch_search_can_be_left(rasa_stack: RasaStack) -> None:
    ask, cancel = chat(rasa_stack, "gdzie jest moja filia", "anuluj")
    assert ask.first == "branch/ask_address" and ask.active_loop == "branch_form"
    assert cancel.active_loop is None and cancel.first in ("ack", "help")
    ask, menu = chat(rasa_stack, "gdzie jest moja filia", "menu")
    assert menu.first == "help" and menu.active_loop is None


def test_a_question_on_another_topic_leaves_the_search_and_is_answered(
    rasa_stack: RasaStack,
) -> None:
    _, question = chat(rasa_stack, "gdzie jest moja filia", "a co to było cogito?")
    assert question.first == "cogito/about" and question.active_loop is None


def test_a_life_situation_gets_a_warm_answer_with_the_branch(rasa_stack: RasaStack) -> None:
    (turn,) = chat(rasa_stack, "boję się, że stracę mieszkanie")
    assert turn.first == "situation/housing"
    assert {b["payload"] for b in turn.buttons} >= {"/find_branch", "/request_human"}


def test_a_greeting_or_a_closing_around_a_message_does_not_hide_it(rasa_stack: RasaStack) -> None:
    """A short message after "Dzień dobry" or before a closing was answered with the greeting
    or the thanks."""
    (job,) = chat(rasa_stack, "Dzień dobry, nie mam pracy")
    (money,) = chat(rasa_stack, "dobry wieczor, nie mam z czego zyc")
    (debts,) = chat(rasa_stack, "mam dlugi. Z gory dziekuje za odpowiedz")
    assert job.first == "situation/no_job"
    assert money.first == "situation/no_money"
    assert debts.first == "situation/debts"


@pytest.mark.parametrize(
    "text",
    [
        "chce skonczyc z bezrobociem, jakie macie programy",
        "bije sie z myslami czy isc do mopsu",
        "mielismy pozar mieszkania pol roku temu, czy mozna dostac pomoc na remont",
        "nie mam pracy",
    ],
)
def test_everyday_words_raise_no_crisis_alarm(rasa_stack: RasaStack, text: str) -> None:
    (turn,) = chat(rasa_stack, text)
    assert not any(label.startswith("crisis_") for label in turn.labels), turn.text


def test_an_overdose_gets_112_first(rasa_stack: RasaStack) -> None:
    (turn,) = chat(rasa_stack, "lyknelam wszystkie tabletki ktore mialam")
    assert turn.first.startswith("crisis_")
    assert "112" in turn.texts[0].splitlines()[0]


def test_a_crisis_in_the_middle_of_the_handoff_gets_the_numbers(rasa_stack: RasaStack) -> None:
    _, crisis = chat(rasa_stack, "chcę rozmawiać z pracownikiem", "nie chce juz zyc")
    assert crisis.first == "crisis_suicide" and "800 70 2222" in crisis.texts[0]
