"""The classifiers read a message without the greeting before it and the closing after it."""

from __future__ import annotations

import re

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.courtesy import GREETED, CourtesyFilter, content_of


def message(text: str) -> Message:
    msg = Message(data={TEXT: text})
    tokens = [Token(m.group(), m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text)]
    msg.set(TOKENS_NAMES[TEXT], tokens)
    return msg


@pytest.fixture(scope="module")
def courtesy() -> CourtesyFilter:
    return CourtesyFilter.from_data()


def read(courtesy: CourtesyFilter, text: str) -> Message:
    return courtesy.process([message(text)])[0]


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("Dzień dobry, nie mam pracy od roku", "nie mam pracy od roku"),
        (
            "witam serdecznie, potrzebuję pomocy bo nie mam na leki",
            "potrzebuję pomocy bo nie mam na leki",
        ),
        ("dzien dobry panstwu. czy jest psycholog?", "czy jest psycholog?"),
        ("dzein dobry jestem bezdomny", "jestem bezdomny"),
        ("dobryj den, ja nie mam pracy", "ja nie mam pracy"),  # typed by a Ukrainian speaker
        ("Hej, dzień dobry. Jak się zapisać? Dziękuję, pozdrawiam", "Jak się zapisać?"),
        ("jak się zapisać? Z góry dziękuję za odpowiedź.", "jak się zapisać?"),
        ("a dla kogo to jest? dzieki", "a dla kogo to jest?"),
        ("a gdzie jest ta filia dziekuje", "a gdzie jest ta filia"),
        ("Gdzie jest filia? Pozdrawiam, Jan Kowalski", "Gdzie jest filia?"),
        ("mieszkam w Nowej Hucie pozdrawiam", "mieszkam w Nowej Hucie"),
        ("Dzień dobry, mam takie pytanie: czy jest psycholog?", "czy jest psycholog?"),
    ],
)
def test_the_classifiers_read_what_the_message_says(
    courtesy: CourtesyFilter, text: str, content: str
) -> None:
    read_message = read(courtesy, text)
    assert content_of(read_message) == content
    assert " ".join(t.text for t in read_message.get(TOKENS_NAMES[TEXT])) == " ".join(
        re.findall(r"\w+|[^\w\s]", content)
    )
    assert read_message.get(TEXT) == text  # the address finder and the crisis phrases read it all


@pytest.mark.parametrize(
    "text",
    [
        "Dzień dobry!",
        "dziękuję za pomoc",
        "Pozdrawiam",
        "nie, dziękuję",  # a polite no: thanks are a closing only after a question
        "dziękuję, to wszystko",
        "wszystko jasne, dzięki",
        "część mojego zasiłku zabrali",  # "część" is not "cześć"
        "pozdrawiam Nowa Huta",
        "Pani Anno, kiedy mogę przyjść?",
        "dzien dobry, mam taka sprawe",
    ],
)
def test_a_message_that_is_courtesy_or_starts_otherwise_is_read_whole(
    courtesy: CourtesyFilter, text: str
) -> None:
    read_message = read(courtesy, text)
    assert content_of(read_message) == text
    assert not read_message.get(GREETED)
    assert len(read_message.get(TOKENS_NAMES[TEXT])) == len(re.findall(r"\w+|[^\w\s]", text))


def test_a_greeting_is_remembered(courtesy: CourtesyFilter) -> None:
    assert read(courtesy, "Dzień dobry, coś mi się nie układa").get(GREETED)
    assert not read(courtesy, "coś mi się nie układa, pozdrawiam").get(GREETED)
