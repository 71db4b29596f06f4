"""Towns outside Kraków that the gazetteer does not list, found by Morfeusz's geographical names."""

from __future__ import annotations

import pytest

from bot.address import AddressResolver
from bot.address.normalise import tokenise
from bot.address.places import outside_place


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("Jestem z Tarnowa, gdzie mam się zgłosić?", "Tarn"),  # Tarnów (or Tarnowa, Tarnowo)
        ("mieszkam w Proszowicach", "Proszowice"),
        ("jestem z Limanowej", "Limanowa"),  # SGJP knows it only capitalised
        ("mieszkamy pod Rzeszowem", "Rzeszów"),
        ("mieszkam w Tarnowie, ale pracuję w Krakowie", "Tarn"),
        # A town heading the message, as in an address, typed without Polish letters too.
        ("Brzesko, Głowackiego 15/2", "Brzesko"),
        ("rzeszow, czy tez pomagacie", "Rzeszów"),
        ("Balice koło lotniska", "Balice"),
        ("powiat krakowski, wioska Zabierzów, gdzie jest pomoc", "Zabierzów"),
        ("pracuję w Krakowie, a mieszkam w Proszowicach", "Proszowice"),
        ("mieszkamy w Nowym Wiśniczu", "Nowa"),  # "Nowa" of "Nowa Zelandia" is no country
    ],
)
def test_a_town_where_the_resident_lives_is_found(text: str, town: str) -> None:
    assert (outside_place(tokenise(text), text) or "").startswith(town)


@pytest.mark.parametrize(
    "text",
    [
        "jestem z Ukrainy, gdzie mam iść",  # a country: the resident may live in Kraków
        "mieszkam w Krakowie, pochodzę z Tarnowa",
        "mam problem z nowym mieszkaniem",
        "pracowałam w Niemczech",
        "wracam z pracy",
        "z mamą mieszkam w bloku",
        "Pomoc, gdzie mam iść?",
        "syn jest w Anglii, a tata tu został sam",  # a country abroad is no gmina
        "uciekłam z Zaporoża z dwójką dzieci, szukamy pomocy",  # nor a city people fled from
        "ja z charkowa, szukam pracy w krakowie",
        "Sąsiadka, starsza pani, od tygodnia nie wychodzi z domu",  # capital of the sentence
        "Szczęść Boże",
        "Wolę nie mówić",  # a verb, not the village Wola
        "w glowie mam tylko jedno, zeby to sie skonczylo",  # "głowie", not the village Glów
        # Any country or continent, from CLDR's names.
        "widziałam reportaż o głodzie w Afryce, czy zbieracie dary",
        "córka wyjechała do pracy w Kanadzie, a ja zostałam sama",
        # A town where one works, studies or was born, or lived once, is not home.
        "syn pracuje w Tarnowie i rzadko przyjeżdża",
        "studiuję w Rzeszowie, a rodzice potrzebują pomocy",
        "urodziłam się w Bochni, teraz nie mam gdzie mieszkać",
        "kiedyś mieszkałam w Proszowicach, ale to było dawno",
    ],
)
def test_no_town_where_none_is_said_to_be_home(text: str) -> None:
    assert outside_place(tokenise(text), text) is None


def test_the_resolver_sends_an_unlisted_town_to_its_own_gmina() -> None:
    resolver = AddressResolver.load()
    assert resolver.resolve("mieszkam w Proszowicach, gdzie mam iść").status == "outside"
    assert resolver.resolve("mieszkam w Krakowie, pochodzę z Tarnowa").status == "unknown"
    assert resolver.resolve("Wieliczka, ul. Kościuszki 5").status == "outside"


@pytest.mark.parametrize(
    "text",
    [
        "mama jest sama, a ja pracuję w Wieliczce",  # a listed town where one works
        "film o przemocy dał mi do myslenia, czy macie grupy",  # "myślenia", no slip of Myślenice
        "długo mieszkałam w Skawinie, teraz wynajmujemy w Krakowie",
    ],
)
def test_a_listed_town_that_is_not_home_is_no_other_gmina(text: str) -> None:
    assert AddressResolver.load().resolve(text).status != "outside"
