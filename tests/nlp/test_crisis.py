"""The crisis safety net: phrases in any form and spelling, and no alarm on everyday questions."""

from __future__ import annotations

import pytest

from bot.nlp.crisis import CrisisLexicon


@pytest.fixture(scope="module")
def lexicon() -> CrisisLexicon:
    return CrisisLexicon.load()


def detect(lexicon: CrisisLexicon, text: str) -> str | None:
    return lexicon.match(lexicon.lemmas(text.replace(",", " ").split()))


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("chcę się zabić", "crisis_suicide"),
        ("nie chce mi sie juz zyc", "crisis_suicide"),
        ("myślę o tym żeby odebrać sobie życie", "crisis_suicide"),
        ("nie dam rady dłużej, chcę odejść na zawsze", "crisis_suicide"),
        ("mam mysli samobojcze", "crisis_suicide"),
        ("myślę, żeby zakończyć to wszystko", "crisis_suicide"),
        ("mąż mnie bije", "crisis_violence"),
        ("bije mnie ojciec", "crisis_violence"),
        ("jestem bita przez chłopaka", "crisis_violence"),
        ("konkubent mnie katuje", "crisis_violence"),
        ("sąsiad leży nieprzytomny", "crisis_danger"),
        ("ratunku", "crisis_danger"),
        ("nie mam gdzie dzis spac", "crisis_basic_needs"),
        ("moje dzieci sa glodne", "crisis_basic_needs"),
        ("wyrzucili mnie z mieszkania", "crisis_basic_needs"),
    ],
)
def test_crisis_phrases_are_found_in_any_form(lexicon: CrisisLexicon, text: str, intent: str):
    assert detect(lexicon, text) == intent


@pytest.mark.parametrize(
    "text",
    [
        "czy grozi mi eksmisja",
        "jak się zapisać do projektu",
        "chcę się zapisać na terapię",
        "ile osób skorzystało z pomocy",
        "gdzie jest filia na Józefińskiej",
        "czy mogę dostać asystenta rodzinnego",
        "nie mam czasu w środę",
        "kiedy zakończyło się cogito",
        "chcę żyć normalnie",
        "mam co jeść, ale nie mam pracy",
        "oddychać świeżym powietrzem",
    ],
)
def test_everyday_questions_raise_no_alarm(lexicon: CrisisLexicon, text: str) -> None:
    assert detect(lexicon, text) is None


def test_a_lexicon_entry_must_name_a_crisis_intent(tmp_path) -> None:
    bad = tmp_path / "lexicon.yml"
    bad.write_text("greet:\n  - dzień dobry\n", encoding="utf-8")
    with pytest.raises(ValueError, match="crisis_"):
        CrisisLexicon.load(bad)
