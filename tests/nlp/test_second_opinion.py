"""An unsure message is answered when the second model is sure of one answerable topic."""

from __future__ import annotations

from bot.nlp.second_opinion import sure_reading

ANSWERABLE = {"situation/loneliness", "contact_info", "out_of_scope"}


def test_a_sure_reading_of_an_answerable_topic_is_taken() -> None:
    reading = {"situation/loneliness": 0.62, "greet": 0.2, "deny": 0.18}
    assert sure_reading(reading, ANSWERABLE) == ("situation/loneliness", 0.62)


def test_an_unsure_reading_or_one_without_an_answer_is_not() -> None:
    assert sure_reading({"situation/loneliness": 0.45, "deny": 0.55}, ANSWERABLE) is None
    assert sure_reading({"greet": 0.9, "contact_info": 0.1}, ANSWERABLE) is None
    assert sure_reading({}, ANSWERABLE) is None
