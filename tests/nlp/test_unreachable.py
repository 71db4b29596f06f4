"""Someone who cannot be reached for a day or more is a crisis; an office nobody answers is not."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT

from bot.nlp.crisis import CrisisLexicon
from bot.nlp.crisis_guard import CrisisGuard
from bot.nlp.unreachable import someone_unreachable
from tests.nlp.parsed import parsed, words


@pytest.fixture(scope="module")
def lexicon() -> CrisisLexicon:
    return CrisisLexicon.load()


def unreachable(lexicon: CrisisLexicon, text: str) -> bool:
    return someone_unreachable(lexicon.lemmas(words(text)))


@pytest.mark.parametrize(
    "text",
    [
        "dziadek nie odbiera telefonu od piatku a mieszka sam",
        "Moja teściowa od przedwczoraj nie otwiera drzwi",
        "siostra nie odpowiada od trzech dni, mieszka sama na Ruczaju",
        "tesc 90 lat drugi dzien nie odbiera",
        # the one silent named after the sign, how long said well before it
        "od soboty nie moge sie dodzwonic do babci",
        "Od środy dzwonię do siostry, a ona nie odbiera",
        # two signs together need no time
        "córka miała być w domu o 15, nie wróciła i ma wyłączony telefon",
        "babcia nie odbiera i nie otwiera",
        "od rana nie mam kontaktu z dziadkiem, nie otwiera drzwi",
        # gone missing
        "mój brat zaginął wczoraj wieczorem",
        "tata poszedł rano na spacer i nie ma go do tej pory",
    ],
)
def test_a_person_silent_for_a_day_or_more_is_found(lexicon: CrisisLexicon, text: str) -> None:
    assert unreachable(lexicon, text)


@pytest.mark.parametrize(
    "text",
    [
        # the office does not answer: the contacts, not 112
        "od wczoraj dzwonie do filii i nikt nie odbiera",
        "mama mówi, że pracownica nie odbiera od tygodnia",
        # a short silence, or one with its reason
        "mama nie odbiera, a potrzebuje jej numer PESEL do wniosku",
        "dziadek od wczoraj nie odbiera, bo zgubil telefon",
        "brat nie odbiera od niedzieli, wyjechał do sanatorium",
        "sąsiad od wczoraj nie otwierał, ale okazało się, że był w szpitalu na badaniach",
        # no contact as a family's way, not a silence that alarms
        "nie mam kontaktu z synem od tygodnia, pokłóciliśmy się",
        # no person's silence at all
        "czy filia jest otwarta w czwartek od rana",
        "zaginął mi wniosek w filii od poniedziałku",
    ],
)
def test_an_office_or_an_explained_silence_is_not(lexicon: CrisisLexicon, text: str) -> None:
    assert not unreachable(lexicon, text)


def _guarded(lexicon: CrisisLexicon, text: str, diet: str) -> str:
    """The intent CrisisGuard leaves when DIET reads `diet` with confidence 0.8."""
    ranking = [{"name": diet, "confidence": 0.8}, {"name": "out_of_scope", "confidence": 0.2}]
    return CrisisGuard(lexicon).process([parsed(text, ranking)])[0].get(INTENT)["name"]


def test_the_guard_answers_with_112_whatever_the_classifier_guessed(
    lexicon: CrisisLexicon,
) -> None:
    text = "wujek nie odbiera od wczoraj rana, mieszka sam na Bieżanowie, co robić"
    assert _guarded(lexicon, text, "find_branch") == "crisis_danger"
    # a crisis the classifier reads keeps its kind: children left without food
    hungry = "tata nie wrócił od wczoraj i nie mamy co jeść"
    assert _guarded(lexicon, hungry, "crisis_basic_needs") == "crisis_basic_needs"
    assert _guarded(lexicon, "dzwonię do filii od wczoraj i nikt nie odbiera", "contact_info") == (
        "contact_info"
    )
