"""An address inside any sentence goes to the branch finder; a name that is not one does not."""

from __future__ import annotations

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.address import AddressResolver
from bot.branches import BranchCatalogue
from bot.nlp.address_guard import AddressGuard
from bot.nlp.address_mentions import NOT_OUTSIDE, find_mention, office_addresses

UNSURE = {"name": "crisis_basic_needs", "confidence": 0.74}


@pytest.fixture(scope="module")
def resolver() -> AddressResolver:
    return AddressResolver.load()


def _is_address(text: str, intent: dict, resolver: AddressResolver) -> bool:
    mention = find_mention(text, intent, resolver)
    return mention is not None and mention.intent == "inform_address"


@pytest.mark.parametrize(
    "text",
    [
        "mieszkam na ulicy Witosa 5, gdzie mam isc",
        "Mieszkam w Bieżanowie, gdzie się zgłosić?",
        "Jestem z Kurdwanowa, gdzie jest najbliższy MOPS dla mnie?",
        "os. teatralne 12 - jaka filia mops",
        "na prokocimiu mieszkamy od roku, mama potrzebuje opieki",
        "Swoszowice",
        "krowodża",  # a misspelt name said alone: the search asks to confirm it
        "Nie, przepraszam, w zeszłym miesiącu przeprowadziłam się na Azory.",
    ],
)
def test_a_krakow_address_in_a_sentence_is_an_address(resolver, text: str) -> None:
    assert _is_address(text, UNSURE, resolver)


def test_the_entities_carry_the_street_and_the_number(resolver) -> None:
    mention = find_mention("mieszkam na ulicy Witosa 5, gdzie mam isc", UNSURE, resolver)
    assert mention is not None
    found = {e["entity"]: e["value"] for e in mention.entities}
    assert found == {"street": "Witosa", "house_number": "5"}


@pytest.mark.parametrize(
    "text",
    ["Jestem z Tarnowa, gdzie mam się zgłosić?", "mieszkam w Skawinie", "Wieliczka, Krakowska 12"],
)
def test_a_town_outside_krakow_is_another_gmina(resolver, text: str) -> None:
    mention = find_mention(text, UNSURE, resolver)
    assert mention is not None and mention.intent == "outside_krakow"


@pytest.mark.parametrize(
    "text",
    [
        "pani Józefa mi bardzo pomogła",
        "Czym był projekt COGITO?",
        "jestem z Ukrainy",
        "adres wolę zachować dla siebie",  # "wolę" is not Wola Duchacka
        "Wolę nie mówić",  # nor, capitalised, the village Wola
        "lubię krowodżę",  # a misspelt name among other words needs more than that
        "czy to pieniądze z Unii Europejskiej",
    ],
)
def test_no_address_where_none_is_given(resolver, text: str) -> None:
    assert find_mention(text, UNSURE, resolver) is None


def test_a_place_after_a_preposition_does_not_outweigh_a_sure_classifier(resolver) -> None:
    text = "w jakich godzinach jest otwarte na jozefinskiej"
    assert find_mention(text, {"name": "out_of_scope", "confidence": 0.9}, resolver) is None
    assert find_mention(text, {"name": "out_of_scope", "confidence": 0.4}, resolver)


def test_the_branch_search_reads_its_own_address(resolver) -> None:
    sure = {"name": "find_branch", "confidence": 0.95}
    assert find_mention("gdzie jest filia dla Witosa 5", sure, resolver) is None


def test_an_unsure_branch_question_naming_a_place_stays_a_branch_question(resolver) -> None:
    """Below the fallback threshold it would otherwise end in the clarification question."""
    text = "Mieszkam w Podgórzu, sąsiadka mówiła, że trzeba iść do filii, ale nie wiem której"
    mention = find_mention(text, {"name": "find_branch", "confidence": 0.44}, resolver)
    assert mention is not None and mention.intent == "find_branch" and not mention.entities
    assert (
        find_mention("gdzie jest filia", {"name": "find_branch", "confidence": 0.4}, resolver)
        is None
    )


@pytest.mark.parametrize(
    "text",
    [
        "Złocień, te nowe bloki. Do jakiego mopsu podlegam?",
        "kurdwanow, gdzie mam pojsc",
        "Wola Duchacka - do kogo mam się zwrócić?",  # common words, set off by a dash
        "Łagiewniki, gdzie najbliższa pomoc społeczna",
        "Grzegórzki: gdzie mam się udać",
        "jestem z dzielnicy jedenastej",
        "to ja jestem z Olszy, gdzie mam złożyć papiery",
    ],
)
def test_a_place_opening_a_question_where_to_go_is_home(resolver, text: str) -> None:
    assert _is_address(text, {"name": "out_of_scope", "confidence": 0.95}, resolver)


def test_a_place_opening_another_question_is_not_home(resolver) -> None:
    sure_otherwise = {"name": "out_of_scope", "confidence": 0.9}
    for text in [
        "Kazimierz, gdzie jest formularz do pobrania",
        "Nowe życie, gdzie to kupić",
        "Dzień dobry, jestem emerytowanym kolejarzem z Nowej Huty.",  # who, not where
    ]:
        assert find_mention(text, sure_otherwise, resolver) is None, text


@pytest.mark.parametrize(
    ("text", "district"),
    [("z dzielnicy czternastej", "XIV"), ("mieszkam w ósmej dzielnicy", "VIII")],
)
def test_a_district_named_by_its_ordinal_is_that_district(
    resolver, text: str, district: str
) -> None:
    assert resolver.resolve(text).district == district


def test_an_office_of_mops_is_not_the_residents_address(resolver) -> None:
    offices = office_addresses(resolver, BranchCatalogue.load())
    unsure = {"name": "contact_info", "confidence": 0.3}
    assert find_mention("filia na rzeźniczej, jaki telefon?", unsure, resolver, offices) is None
    assert find_mention("czy na Józefińskiej 14 jest winda?", unsure, resolver, offices) is None
    # an answer to "which street?", or a resident of the street, is an address
    for lives in ["Józefińska 20", "mieszkam na Józefińskiej 14", "Rzeźnicza"]:
        assert find_mention(lives, unsure, resolver, offices) is not None, lives


def test_an_office_street_taken_for_another_gmina_is_an_address(resolver) -> None:
    # The classifier guessed a town elsewhere; the street is Kraków's (Filia nr 2 is on it too).
    offices = office_addresses(resolver, BranchCatalogue.load())
    outside = {"name": "outside_krakow", "confidence": 0.6}
    mention = find_mention(
        "rzeźnicza, ten blok przy sklepie, jaka filia", outside, resolver, offices
    )
    assert mention is not None and mention.intent == "inform_address"


def test_living_in_krakow_outweighs_a_guess_of_another_gmina(resolver) -> None:
    guess = {"name": "outside_krakow", "confidence": 0.8}
    mention = find_mention("jestem z Ukrainy, mieszkam w Krakowie od roku", guess, resolver)
    assert mention is not None and mention.intent == NOT_OUTSIDE


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("a mama mieszka w krakowie na lagiewnikach, moge dla niej poszukac?", "lagiewnikach"),
        ("jestem z Tarnowa, ale teraz mieszkam w Krakowie na ul. Halszki 5", "Halszki"),
        # A relative who lives in Kraków, the writer elsewhere: the relative's branch.
        ("mama mieszka sama na Kurdwanowie, ja jestem w Tarnowie, kto jej pomoże", "Kurdwanowie"),
        ("tata mieszka na Bieńczycach, a ja pracuję w Niemczech", "Bieńczycach"),
    ],
)
def test_a_krakow_address_said_with_living_in_krakow_is_the_address(
    resolver, text: str, place: str
) -> None:
    guess = {"name": "outside_krakow", "confidence": 0.8}
    mention = find_mention(text, guess, resolver)
    assert mention is not None and mention.intent == "inform_address"
    assert place in [e["value"] for e in mention.entities]


@pytest.mark.parametrize(
    "text",
    [
        "mieszkam w Wieliczce, Krakowska 5",
        "babcia mieszka w Nowej Hucie, ja mieszkam w Wieliczce, gdzie mam się zgłosić",
    ],
)
def test_a_town_said_to_be_home_stays_another_gmina_beside_a_krakow_name(
    resolver, text: str
) -> None:
    guess = {"name": "outside_krakow", "confidence": 0.8}
    mention = find_mention(text, guess, resolver)
    assert mention is not None and mention.intent == "outside_krakow"


def test_a_district_the_classifier_took_for_one_stays_a_district(resolver) -> None:
    district = {"name": "inform_district", "confidence": 0.95}
    assert find_mention("to jest dzielnica Krowodrza", district, resolver) is None


@pytest.mark.parametrize("text", ["Dębniki", "Nowa Huta", "podgórze duchackie"])
def test_a_district_the_classifier_is_unsure_of_is_still_a_place(resolver, text: str) -> None:
    """Split between a district and an address, the classifier understood neither; the resident
    named a place all the same, and the branch search must get it, not a clarification."""
    unsure = {"name": "inform_district", "confidence": 0.44}
    assert _is_address(text, unsure, resolver)


@pytest.mark.parametrize(
    ("text", "sure_otherwise"),
    [
        # only the place and the words that surround an answer
        ("no to chyba od strony Czyżyn", "situation"),
        ("raczej w strone pradnika bialego", "situation"),
        # renting there is living there
        ("wynajmuję pokój w Bieżanowie od roku, czy mogę się zgłosić", "own_case"),
    ],
)
def test_a_place_said_as_home_outweighs_a_sure_classifier(
    resolver, text: str, sure_otherwise: str
) -> None:
    assert _is_address(text, {"name": sure_otherwise, "confidence": 0.97}, resolver)


@pytest.mark.parametrize(
    "text", ["mieszkam na ulicy Zmyślonej 12", "ul. Wymyślona 7a", "os. Nieznane 3 m 4"]
)
def test_a_street_nobody_knows_with_a_house_number_is_still_an_address(resolver, text: str) -> None:
    """The search then says it does not know the street and offers the districts."""
    mention = find_mention(text, {"name": "crisis_basic_needs", "confidence": 0.6}, resolver)
    assert mention is not None and mention.intent == "inform_address"
    assert {e["entity"] for e in mention.entities} == {"street", "house_number"}


@pytest.mark.parametrize(
    "text",
    [
        "mieszkam na ulicy od 5 lat",
        "na ulicy jest zimno, 5 stopni",
        "na ulicy Zmyślonej 5 jest remont",
    ],
)
def test_the_street_as_a_place_to_sleep_or_a_remark_is_no_address(resolver, text: str) -> None:
    assert find_mention(text, {"name": "crisis_basic_needs", "confidence": 0.6}, resolver) is None


def test_living_in_krakow_takes_the_next_reading_with_the_share_of_another_gmina() -> None:
    text = "mieszkam w krakowie gdzie mam isc"
    ranking = [
        {"name": "outside_krakow", "confidence": 0.67},
        {"name": "find_branch", "confidence": 0.19},
        {"name": "ask_how_join", "confidence": 0.14},
    ]
    message = Message(
        data={TEXT: text, TOKENS_NAMES[TEXT]: [], INTENT: ranking[0], INTENT_RANKING_KEY: ranking}
    )
    intent = AddressGuard.from_data().process([message])[0].get(INTENT)
    assert intent["name"] == "find_branch" and intent["confidence"] > 0.5
