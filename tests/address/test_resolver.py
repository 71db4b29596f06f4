"""Resolver behaviour beyond the phrasing table: number ranges, typos, hints, data edits, speed."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

from bot.address import AddressResolver, Candidate, ParsedAddress, Resolution
from bot.address.districts import DISTRICTS
from tests.address.files import write_gazetteer

_WITH_RANGES = """
  - {name: Wielicka, districts: [XII, XIII], numbers: {XIII: "1-99", XII: "101-401"}}
  - name: Graniczna
    districts: [IV, VI]
    numbers: {IV: "1-39 nieparzyste", VI: "2-40 parzyste"}
  - {name: Józefińska, districts: [XIII]}
"""


@pytest.fixture(scope="module")
def ranged(tmp_path_factory: pytest.TempPathFactory) -> AddressResolver:
    path = tmp_path_factory.mktemp("ranged") / "gazetteer.yml"
    places = "[{name: Prokocim, districts: [XII]}, {name: Płaszów, districts: [XIII]}]"
    return AddressResolver.load(write_gazetteer(path, _WITH_RANGES, places))


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("Wielicka 12", "XIII"),
        ("na Wielickiej 250/4", "XII"),
        ("ul. Wielicka 99 m. 2", "XIII"),
        ("Graniczna 7", "IV"),
        ("Graniczna 8", "VI"),
    ],
)
def test_a_number_inside_a_known_range_resolves(
    ranged: AddressResolver, text: str, district: str
) -> None:
    result = ranged.resolve(text)
    assert (result.status, result.district) == ("resolved", district)
    assert "is in" in result.candidates[0].reason


@pytest.mark.parametrize("text", ["Wielicka", "Wielicka 100", "Wielicka 900", "Graniczna 41"])
def test_no_number_or_an_unplaced_number_asks_for_more(ranged: AddressResolver, text: str) -> None:
    result = ranged.resolve(text)
    assert (result.status, result.district) == ("needs_number", None)
    assert {d for c in result.candidates for d in c.districts} in ({"XII", "XIII"}, {"IV", "VI"})


def test_a_neighbourhood_can_place_a_street_without_number(ranged: AddressResolver) -> None:
    assert ranged.resolve("Wielicka, Prokocim").district == "XII"
    assert ranged.resolve("na Wielickiej w Płaszowie").district == "XIII"


def test_the_number_wins_over_nothing_but_not_over_a_disagreeing_neighbourhood(
    ranged: AddressResolver,
) -> None:
    result = ranged.resolve("Józefińska 14 w Prokocimiu")
    assert result.status == "choose"
    assert {c.name for c in result.candidates} == {"Józefińska", "Prokocim"}


def test_an_incomplete_district_list_is_flagged(resolver: AddressResolver) -> None:
    (wielicka,) = resolver.resolve("Wielicka 7").candidates
    assert wielicka.more_districts and wielicka.districts == ["XII", "XIII"]
    (kocmyrzowska,) = resolver.resolve("Kocmyrzowska 7").candidates
    assert not kocmyrzowska.more_districts


_CLOSE_STREETS = """
  - {name: Wiślna, districts: [I]}
  - {name: Wiślana, districts: [VIII]}
  - {name: Mazowiecka, districts: [V]}
  - {name: Mazurska, districts: [XIV]}
  - {name: Rydla, districts: [VI]}
  - {name: Prosta, districts: [III]}
  - {name: Dobra, districts: [II]}
  - {name: Mieszka, districts: [X]}
"""


@pytest.fixture(scope="module")
def close(tmp_path_factory: pytest.TempPathFactory) -> AddressResolver:
    path = tmp_path_factory.mktemp("close") / "gazetteer.yml"
    return AddressResolver.load(write_gazetteer(path, _CLOSE_STREETS))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("na Wiślnej 3", "Wiślna"),
        ("na Wiślanej 3", "Wiślana"),  # one edit from "Wiślnej", still its own street
        ("wislanej 3", "Wiślana"),
        ("Mazurska 5", "Mazurska"),
        ("na Mazowieckiej 5", "Mazowiecka"),
    ],
)
def test_a_real_street_is_never_corrected_into_another(
    close: AddressResolver, text: str, name: str
) -> None:
    result = close.resolve(text)
    assert result.status == "resolved"
    assert [c.name for c in result.candidates] == [name]
    assert result.candidates[0].confidence == 0.97


def test_a_clear_typo_is_corrected(close: AddressResolver) -> None:
    result = close.resolve("mieszkam na Mazowieckij 5")
    assert (result.status, result.district) == ("resolved", "V")
    assert result.candidates[0].reason.startswith("typo")
    assert result.candidates[0].confidence < 0.97


def test_a_typo_halfway_between_two_streets_is_asked_about(close: AddressResolver) -> None:
    result = close.resolve("ul. Wislena 4")  # one edit from both Wiślna and Wiślana
    assert result.status == "choose"
    assert {c.name for c in result.candidates} == {"Wiślna", "Wiślana"}


def test_short_words_are_not_corrected(close: AddressResolver) -> None:
    assert close.resolve("ul. Rydl 5").status == "unknown"
    assert close.resolve("ul. Rydla 5").district == "VI"


@pytest.mark.parametrize(
    "text",
    ["dzień dobry", "to prosta sprawa", "mam dobrą pracę", "mieszkam tu od roku", "mieszkam sama"],
)
def test_everyday_words_never_become_a_street(close: AddressResolver, text: str) -> None:
    assert close.resolve(text).status == "unknown"


@pytest.mark.parametrize(("text", "district"), [("na Prostej 5", "III"), ("ul. Dobra 2", "II")])
def test_everyday_street_names_resolve_in_an_address(
    close: AddressResolver, text: str, district: str
) -> None:
    assert close.resolve(text).district == district


def test_outside_places_are_not_typos_of_a_street(resolver: AddressResolver) -> None:
    assert resolver.resolve("Wieliczka").status == "outside"
    assert resolver.resolve("mieszkam na Wielickiej").status == "needs_number"
    assert resolver.resolve("ul. Wielicka, koło Wieliczki").status == "needs_number"


def test_nlu_entities_help_and_text_alone_also_works(resolver: AddressResolver) -> None:
    hinted = resolver.resolve("tak, tam", street="Józefińskiej", house_number="14 m. 3")
    assert (hinted.status, hinted.district) == ("resolved", "XIII")
    assert (hinted.parsed.house_number, hinted.parsed.flat) == ("14", "3")
    assert resolver.resolve("mieszkam na Józefińskiej 14 m. 3").district == "XIII"
    by_place = resolver.resolve("tam gdzie mówiłam", neighbourhood="Nowej Hucie")
    assert by_place.district == "XVIII"


def test_an_entity_makes_a_common_word_a_street(resolver: AddressResolver) -> None:
    assert resolver.resolve("mieszkam w pokoju z siostrą").status == "unknown"
    result = resolver.resolve("Pokoju", street="Pokoju")
    assert result.status == "needs_number"
    assert result.candidates[0].name == "al. Pokoju"


@pytest.mark.parametrize(
    ("text", "district", "kind"),
    [
        ("Podgórze", "XIII", "neighbourhood"),
        ("na Podgórzu Duchackim", "XI", "district"),
        ("w Nowej Hucie", "XVIII", "neighbourhood"),
        ("Bronowice", "VI", "neighbourhood"),
        ("we Wzgórzach Krzesławickich", "XVII", "district"),
        ("dzielnica XIII", "XIII", "district"),
        ("Dzielnica 13", "XIII", "district"),
    ],
)
def test_district_and_neighbourhood_names(
    resolver: AddressResolver, text: str, district: str, kind: str
) -> None:
    result = resolver.resolve(text)
    assert (result.status, result.district) == ("resolved", district)
    assert result.candidates[0].kind == kind


def test_candidates_carry_name_kind_districts_confidence_and_reason(
    resolver: AddressResolver,
) -> None:
    result = resolver.resolve("mieszkam na jozefinskiej 14")
    assert isinstance(result, Resolution) and isinstance(result.parsed, ParsedAddress)
    assert result.candidates == [
        Candidate(
            name="Józefińska",
            kind="street",
            districts=["XIII"],
            confidence=0.97,
            reason="lemma match 'jozefinskiej' → 'Józefińska'",
        )
    ]


def test_choose_ranks_candidates_best_first(resolver: AddressResolver) -> None:
    result = resolver.resolve("Kalwaryjska na Kazimierzu")
    assert result.status == "choose"
    confidences = [c.confidence for c in result.candidates]
    assert confidences == sorted(confidences, reverse=True)


def test_staff_can_add_forms_and_aliases(tmp_path: Path) -> None:
    streets = "[{name: Qwxz, districts: [II], forms: [Qwxzach], aliases: [Stara Qwxz]}]"
    resolver = AddressResolver.load(write_gazetteer(tmp_path / "g.yml", streets))
    assert resolver.resolve("na Qwxzach").district == "II"
    assert resolver.resolve("na Starej Qwxz 4").district == "II"


def test_districts_come_from_the_gazetteer() -> None:
    assert len(DISTRICTS) == 18
    assert DISTRICTS["XIII"] == "Podgórze"
    assert DISTRICTS["IX"] == "Łagiewniki-Borek Fałęcki"


def test_resolve_is_fast_on_a_city_sized_gazetteer(resolver: AddressResolver) -> None:
    from benchmarks.bench_address import city_gazetteer, city_queries

    city, rows = city_gazetteer(resolver.gazetteer)
    assert len(rows) == 70_000 and len(city.streets) >= 3_000
    city_resolver = AddressResolver(city)
    texts = [text for text, _district in city_queries(rows, 300)]
    spent = []
    for text in texts:
        start = time.perf_counter()
        city_resolver.resolve(text)
        spent.append((time.perf_counter() - start) * 1000)
    assert statistics.median(spent) < 5.0
