"""Reading the parts of an address out of what a resident typed, and normalising the words."""

from __future__ import annotations

import pytest

from bot.address import AddressResolver
from bot.address.house_numbers import compact, format_ranges, house_key, parse_ranges
from bot.address.normalise import find_postcodes, tokenise


@pytest.mark.parametrize(
    ("text", "street", "house", "flat"),
    [
        ("Józefińska 14/3", "Józefińska", "14", "3"),
        ("Józefińska 14 m. 3", "Józefińska", "14", "3"),
        ("Józefińska 14 m 3", "Józefińska", "14", "3"),
        ("Józefińska 14 lok. 3", "Józefińska", "14", "3"),
        ("Józefińska 14m3", "Józefińska", "14", "3"),
        ("ul. Józefińska nr 14", "Józefińska", "14", None),
        ("Józefińska 5a", "Józefińska", "5a", None),
        ("mieszkam przy Rynku Głównym, kamienica 31", "Rynku Głównym", "31", None),
        ("ulicy Kazimierza Wielkiego 70 mieszkania 2", "Kazimierza Wielkiego", "70", "2"),
        (
            "dzień dobry, mieszkam na Józefińskiej 14 m. 3 i chciałabym zapytać o pomoc",
            "Józefińskiej",
            "14",
            "3",
        ),
    ],
)
def test_street_house_number_and_flat(
    resolver: AddressResolver, text: str, street: str, house: str, flat: str | None
) -> None:
    parsed = resolver.resolve(text).parsed
    assert (parsed.street, parsed.house_number, parsed.flat) == (street, house, flat)
    assert parsed.raw == text


@pytest.mark.parametrize(
    ("text", "neighbourhood", "house", "flat"),
    [
        ("os. Centrum C 5", "os. Centrum C", "5", None),
        ("os. Centrum C bl. 5", "os. Centrum C", "5", None),
        ("osiedle Złotego Wieku 12/40", "osiedle Złotego Wieku", "12", "40"),
        ("mieszkam w Nowej Hucie", "Nowej Hucie", None, None),
    ],
)
def test_osiedle_with_building_number(
    resolver: AddressResolver, text: str, neighbourhood: str, house: str | None, flat: str | None
) -> None:
    parsed = resolver.resolve(text).parsed
    assert (parsed.neighbourhood, parsed.house_number, parsed.flat) == (neighbourhood, house, flat)
    assert parsed.street is None


def test_postcode_is_read_and_not_taken_for_a_house_number(resolver: AddressResolver) -> None:
    parsed = resolver.resolve("ul. Józefińska 14, 30-529 Kraków").parsed
    assert (parsed.postcode, parsed.house_number) == ("30-529", "14")
    assert resolver.resolve("30 - 529 Kraków, Józefińska").parsed.postcode == "30-529"


def test_a_message_without_an_address_parses_to_nothing(resolver: AddressResolver) -> None:
    parsed = resolver.resolve("dzień dobry, mam 3 dzieci").parsed
    assert (parsed.street, parsed.neighbourhood, parsed.house_number) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("ul. Józefińska", ["ul", "jozefinska"]),
        ("ULICY Józefińskiej", ["ul", "jozefinskiej"]),
        ("al. Pokoju", ["al", "pokoju"]),
        ("alei Pokoju", ["al", "pokoju"]),
        ("aleja Pokoju", ["al", "pokoju"]),
        ("os. Centrum C", ["os", "centrum", "c"]),
        ("na osiedlu Kalinowym", ["na", "os", "kalinowym"]),
        ("pl. Centralny", ["pl", "centralny"]),
        ("placu Centralnym", ["pl", "centralnym"]),
        ("na rondzie Mogilskim", ["na", "rondo", "mogilskim"]),
        ("św. Jana", ["sw", "jana"]),
        ("Świętego Jana", ["sw", "jana"]),
        ("Stella-Sawickiego", ["stella", "sawickiego"]),
        ("Rzeźnicza, 2!", ["rzeznicza", "2"]),
        ("14/3", ["14", "/", "3"]),
    ],
)
def test_tokens_are_folded_and_prefixes_unified(text: str, keys: list[str]) -> None:
    assert [t.key for t in tokenise(text)] == keys


def test_postcodes_are_left_out_of_the_tokens() -> None:
    assert find_postcodes("Józefińska 14, 30-529 Kraków") == [("30-529", 15, 21)]
    assert [t.key for t in tokenise("Józefińska 14, 30-529 Kraków")] == [
        "jozefinska",
        "14",
        "krakow",
    ]


def test_house_number_keys_sort_numbers_then_letters() -> None:
    assert house_key("14") < house_key("14a") < house_key("14B") < house_key("15")
    assert house_key("12/14") == (12, "")
    assert house_key("bez numeru") is None


def test_ranges_are_read_and_written_in_the_same_format() -> None:
    text = "1-57 nieparzyste, 2-40 parzyste, 60A"
    ranges = parse_ranges(text)
    assert format_ranges(ranges) == text
    odd, even, single = ranges
    assert house_key("13") in odd and house_key("14") not in odd
    assert house_key("14") in even and house_key("42") not in even
    assert house_key("60A") in single and house_key("60") not in single


@pytest.mark.parametrize("text", ["", "1-", "x-5", "9-3", "1-5 co drugi"])
def test_bad_ranges_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="range"):
        parse_ranges(text)


def test_compact_ranges_per_district() -> None:
    points = [(house_key(str(n)), "XIII") for n in range(1, 21)]
    points += [(house_key(str(n)), "XII") for n in range(21, 41)]
    assert {d: format_ranges(r) for d, r in compact(points).items()} == {
        "XII": "21-40",
        "XIII": "1-20",
    }


def test_compact_splits_by_side_when_the_sides_lie_in_different_districts() -> None:
    points = [(house_key(str(n)), "IV" if n % 2 else "VI") for n in range(1, 41)]
    assert {d: format_ranges(r) for d, r in compact(points).items()} == {
        "IV": "1-39 nieparzyste",
        "VI": "2-40 parzyste",
    }


def test_compact_keeps_a_number_registered_in_two_districts_in_both() -> None:
    points = [((10, ""), "I"), ((12, ""), "I"), ((12, ""), "II"), ((14, ""), "II")]
    ranges = compact(points)
    assert any((12, "") in r for r in ranges["I"]) and any((12, "") in r for r in ranges["II"])
