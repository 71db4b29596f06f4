"""An unsure message is answered when the second model is sure of one answerable topic."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.clarify import FALLBACK_INTENT, OUT_OF_SCOPE
from bot.nlp.courtesy import CONTENT, GREETED
from bot.nlp.part_reader import PART_READINGS
from bot.nlp.second_opinion import SecondOpinion, sure_reading

ANSWERABLE = {"situation/loneliness", "contact_info", "out_of_scope"}


def test_a_sure_reading_of_an_answerable_topic_is_taken() -> None:
    reading = {"situation/loneliness": 0.62, "greet": 0.2, "deny": 0.18}
    assert sure_reading(reading, ANSWERABLE) == ("situation/loneliness", 0.62)


def test_an_unsure_reading_or_one_without_an_answer_is_not() -> None:
    assert sure_reading({"situation/loneliness": 0.45, "deny": 0.55}, ANSWERABLE) is None
    assert sure_reading({"greet": 0.9, "contact_info": 0.1}, ANSWERABLE) is None
    assert sure_reading({}, ANSWERABLE) is None


def _parsed(
    text: str,
    ranking: list[dict],
    reading: dict[str, float],
    parts: dict[str, dict[str, float]] | None = None,
) -> Message:
    """A message as SecondOpinion receives it: DIET's ranking and the part model's readings."""
    return Message(
        data={
            TEXT: text,
            INTENT: ranking[0],
            INTENT_RANKING_KEY: ranking,
            PART_READINGS: {text: reading, **(parts or {})},
        }
    )


def _unsure(
    text: str,
    best_guess: str,
    reading: dict[str, float],
    parts: dict[str, dict[str, float]] | None = None,
) -> Message:
    ranking = [
        {"name": FALLBACK_INTENT, "confidence": 0.5},
        {"name": best_guess, "confidence": 0.2},
        {"name": "greet", "confidence": 0.1},
    ]
    return _parsed(text, ranking, reading, parts)


def test_a_short_question_about_an_aspect_is_left_to_the_dialogue() -> None:
    message = _unsure("a dla kogo to jest?", "ask_who", {OUT_OF_SCOPE: 0.7, "ask_who": 0.3})
    SecondOpinion.from_data().process([message])
    assert message.get(INTENT)["name"] == FALLBACK_INTENT


def test_a_longer_question_whose_best_guess_is_an_aspect_gets_the_second_opinion() -> None:
    text = "nie chce mi sie stac w kolejce, czy moge sie umowic na konkretna godzine"
    message = _unsure(text, "ask_who", {OUT_OF_SCOPE: 0.62, "ask_who": 0.38})
    SecondOpinion.from_data().process([message])
    assert message.get(INTENT)["name"] == OUT_OF_SCOPE


def _settled(text: str, reading: dict[str, float]) -> Message:
    ranking = [{"name": OUT_OF_SCOPE, "confidence": 0.9}, {"name": "support", "confidence": 0.1}]
    return _parsed(text, ranking, reading)


def test_i_do_not_know_gives_way_to_a_topic_the_part_model_is_sure_of() -> None:
    message = _settled(
        "psycholog u was jest?", {"support/counselling_psych": 0.7, OUT_OF_SCOPE: 0.3}
    )
    SecondOpinion.from_data().process([message])
    assert message.get(INTENT)["name"] == "support"
    assert message.get("response_selector")["default"]["response"]["intent_response_key"] == (
        "support/counselling_psych"
    )


def test_i_do_not_know_stays_for_an_unsure_reading_or_ones_own_case() -> None:
    unsure = _settled("czy psycholog przyjmuje w soboty", {"support/counselling_psych": 0.45})
    own = _settled("ile jeszcze czekac na decyzje", {"own_case": 0.8, OUT_OF_SCOPE: 0.2})
    SecondOpinion.from_data().process([unsure, own])
    assert unsure.get(INTENT)["name"] == own.get(INTENT)["name"] == OUT_OF_SCOPE


def test_a_leading_topic_below_sure_is_answered_but_not_ones_own_case() -> None:
    text = "jak wyglada ta terapia zajeciowa, lekarz kazal sie zglosic"
    leaning = _unsure(text, "support", {"support/occupational_therapy": 0.38, "own_case": 0.3})
    own = _unsure("a moje papiery juz doszly czy nie bardzo", "own_case", {"own_case": 0.45})
    faint = _unsure("no i co ja mam z tym zrobic teraz", "help", {"support/therapy": 0.2})
    SecondOpinion.from_data().process([leaning, own, faint])
    assert leaning.get(INTENT)["name"] == "support"
    assert own.get(INTENT)["name"] == faint.get(INTENT)["name"] == FALLBACK_INTENT


def test_what_an_unsure_crisis_message_asks_is_read_without_the_crisis() -> None:
    # CrisisGuard found no certain crisis; the rest of the reading says what is asked.
    text = "bije sie z myslami czy isc do mopsu bo mam dlugi, pomagacie w takich sprawach?"
    reading = {"crisis_suicide": 0.45, "situation/debts": 0.3, "own_case": 0.15, "help": 0.1}
    message = _unsure(text, "own_case", reading)
    SecondOpinion.from_data().process([message])
    assert message.get(INTENT)["name"] == "situation"
    assert message.get("response_selector")["default"]["response"]["intent_response_key"] == (
        "situation/debts"
    )


def test_a_part_the_part_model_is_sure_of_answers_an_unclear_story() -> None:
    text = "corka uciekla z domu, wrocila, ale sie nie dogadujemy. jest psycholog rodzinny?"
    story = {"support/counselling_psych": 0.2, "situation/addiction": 0.15, "greet": 0.65}
    parts = {
        "corka uciekla z domu, wrocila, ale sie nie dogadujemy": {"crisis_danger": 0.6},
        "jest psycholog rodzinny": {"support/counselling_psych": 0.9, OUT_OF_SCOPE: 0.1},
    }
    told = _unsure(text, "support", story, parts)
    own = _unsure(text, "support", story, {"a moje papiery doszly": {"own_case": 0.9}})
    SecondOpinion.from_data().process([told, own])
    assert told.get("response_selector")["default"]["response"]["intent_response_key"] == (
        "support/counselling_psych"
    )
    assert own.get(INTENT)["name"] == FALLBACK_INTENT


def test_thanks_and_goodbye_in_one_message_close_the_chat() -> None:
    ranking = [
        {"name": FALLBACK_INTENT, "confidence": 0.5},
        {"name": "thank", "confidence": 0.54},
        {"name": "goodbye", "confidence": 0.45},
    ]
    parting = _parsed("Dziękuję bardzo, do widzenia.", ranking, {"thank": 0.6, "goodbye": 0.4})
    torn = [
        ranking[0],
        {"name": "thank", "confidence": 0.5},
        {"name": "own_case", "confidence": 0.45},
    ]
    unsure = _parsed("dziekuje, a moje papiery", torn, {"thank": 0.5, "own_case": 0.5})
    SecondOpinion.from_data().process([parting, unsure])
    assert parting.get(INTENT)["name"] == "thank"
    assert unsure.get(INTENT)["name"] == FALLBACK_INTENT


def test_no_thank_you_is_a_polite_no() -> None:
    ranking = [
        {"name": FALLBACK_INTENT, "confidence": 0.5},
        {"name": "thank", "confidence": 0.48},
        {"name": "deny", "confidence": 0.44},
    ]
    declined = _parsed("nie dziekuje", ranking, {"thank": 0.5, "deny": 0.5})
    thanked = _parsed("dizękuję", ranking, {"thank": 0.5, "deny": 0.5})
    SecondOpinion.from_data().process([declined, thanked])
    assert declined.get(INTENT)["name"] == "deny"
    assert thanked.get(INTENT)["name"] == "thank"


def test_i_do_not_know_gives_way_to_a_short_follow_up_the_part_model_is_sure_of() -> None:
    short = _settled("a jak tam można się zgłosić?", {"ask_how_join": 0.9})
    text = "a w jaki sposób można się zgłosić z wnioskiem o dodatek osłonowy do urzędu miasta"
    long = _settled(text, {"ask_how_join": 0.9})
    SecondOpinion.from_data().process([short, long])
    assert short.get(INTENT)["name"] == "ask_how_join"
    assert long.get(INTENT)["name"] == OUT_OF_SCOPE


def test_the_aspect_of_a_short_follow_up_is_what_both_models_favour_together() -> None:
    ranking = [
        {"name": "ask_cost", "confidence": 0.57},
        {"name": "ask_funding", "confidence": 0.14},
        {"name": "ask_how_join", "confidence": 0.11},
    ]
    agreed = _parsed("a kto za to płaci?", ranking, {"ask_funding": 0.95, "ask_cost": 0.02})
    SecondOpinion.from_data().process([agreed])
    assert agreed.get(INTENT)["name"] == "ask_funding"

    # a part model that leans elsewhere without outweighing DIET leaves DIET's aspect
    leaning = _parsed("a ile to kosztuje?", ranking, {"ask_funding": 0.5, "ask_cost": 0.45})
    SecondOpinion.from_data().process([leaning])
    assert leaning.get(INTENT)["name"] == "ask_cost"


def test_a_greeting_with_an_unclear_story_is_greeted_back() -> None:
    """ "Dzień dobry, coś mi się nie układa": the greeting's answer asks what one needs."""
    unclear = {OUT_OF_SCOPE: 0.25, "own_case": 0.25, "help": 0.2}
    story = _unsure("Dzień dobry, coś mi się nie układa", "own_case", unclear)
    story.set(CONTENT, "coś mi się nie układa")
    story.set(GREETED, True)
    question = _unsure("Dzień dobry, a jak to jest z tym?", "own_case", unclear)
    question.set(CONTENT, "a jak to jest z tym?")
    question.set(GREETED, True)
    not_greeted = _unsure("coś mi się nie układa", "own_case", unclear)
    SecondOpinion.from_data().process([story, question, not_greeted])
    assert story.get(INTENT)["name"] == "greet"
    assert question.get(INTENT)["name"] == FALLBACK_INTENT
    assert not_greeted.get(INTENT)["name"] == FALLBACK_INTENT
