"""Asking to be called or contacted is asking for a person, whatever matter it names."""

from __future__ import annotations

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT

from bot.nlp.person_request import (
    REQUESTS_FILE,
    PersonRequest,
    asks_to_be_contacted,
    load_requests,
)
from bot.nlp.phrases import PhraseLexicon
from tests.nlp.parsed import parsed, words


@pytest.fixture(scope="module")
def lexicon() -> PhraseLexicon:
    return load_requests()


@pytest.mark.parametrize(
    "text",
    [
        "moze mi ktos zadzwonic w sprawie asystenta dla syna",
        "czy ktoś z MOPS mógłby do mnie zadzwonić w sprawie zasiłku",
        "niech ktos do mnie oddzwoni w sprawie kursu zawodowego",
        "Proszę, żeby ktoś się ze mną skontaktował w sprawie mieszkania",
        "niech się ktoś ze mną skontaktuje",
        "Bardzo proszę o oddzwonienie w sprawie opieki nad mamą",
        "czy ktoś może się do mnie odezwać w sprawie grupy wsparcia",
        "prosze zeby ktos oddzwonil jutro rano",  # typed without Polish letters
    ],
)
def test_asking_to_be_called_or_contacted_is_asking_for_a_person(
    lexicon: PhraseLexicon, text: str
) -> None:
    assert asks_to_be_contacted(lexicon, words(text))


@pytest.mark.parametrize(
    "text",
    [
        "proszę do mnie nie dzwonić",
        "nie chcę, żeby ktoś do mnie dzwonił",
        "pani z MOPS miała do mnie zadzwonić i nie zadzwoniła",
        "dajcie mi numer, zadzwonię",
        "ktoś zadzwonił na policję",
        "jak mogę zadzwonić do filii w sprawie kursu",
        "czy asystent rodziny dzwoni do rodziny przed wizytą",
        "córka napisała do mnie, że MOPS wysłał list",
    ],
)
def test_calling_mops_oneself_or_declining_a_call_is_not(lexicon: PhraseLexicon, text: str) -> None:
    assert not asks_to_be_contacted(lexicon, words(text))


def _read(lexicon: PhraseLexicon, text: str, intent: str) -> str:
    ranking = [{"name": intent, "confidence": 0.7}, {"name": "request_human", "confidence": 0.3}]
    return PersonRequest(lexicon).process([parsed(text, ranking)])[0].get(INTENT)["name"]


def test_a_call_about_a_form_of_support_is_a_request_for_a_person(lexicon: PhraseLexicon) -> None:
    text = "może mi ktoś zadzwonić w sprawie asystenta dla syna"
    assert _read(lexicon, text, "support") == "request_human"
    assert _read(lexicon, text, "nlu_fallback") == "request_human"


@pytest.mark.parametrize("intent", ["affirm", "own_case", "crisis_suicide", "inform_address"])
def test_a_consent_an_own_case_or_a_crisis_keeps_its_reading(
    lexicon: PhraseLexicon, intent: str
) -> None:
    assert _read(lexicon, "tak, niech ktoś do mnie zadzwoni", intent) == intent


def test_every_phrase_of_the_file_is_found_as_written(lexicon: PhraseLexicon) -> None:
    phrases = yaml.safe_load(REQUESTS_FILE.read_text(encoding="utf-8"))["request_human"]
    assert [p for p in phrases if not asks_to_be_contacted(lexicon, p.split())] == []


@pytest.mark.parametrize(
    "text", ["halo, jest tam ktoś prawdziwy", "daj mi kogoś żywego", "to chcę z prawdziwą"]
)
def test_asking_for_someone_real_is_asking_for_a_person(lexicon: PhraseLexicon, text: str) -> None:
    assert _read(lexicon, text, "nlu_fallback") == "request_human"


def test_asking_whether_the_assistant_is_a_person_keeps_its_answer(lexicon: PhraseLexicon) -> None:
    assert _read(lexicon, "czy piszę z prawdziwym człowiekiem?", "bot_challenge") == "bot_challenge"
