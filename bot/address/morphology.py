"""Inflected forms of street and place names, generated once when the gazetteer loads.

Residents write "na Józefińskiej", "w Nowej Hucie", "na Krowodrzy Górce": the index must hold those
forms so that resolving stays a dictionary lookup. Morfeusz 2 (SGJP) gives the paradigm of every
word it knows; for the words it does not know (many street names), and for adjective-looking
words it knows only as nouns ("Duchackie"), suffix rules of Polish adjective and place-name
declension stand in. Over-generation is harmless (an unused key costs a
few bytes), a missing form is not, so every plausible nominative reading is declined.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product

import morfeusz2

CASES = ("nom", "gen", "dat", "acc", "inst", "loc", "voc")
NUMBERS = ("sg", "pl")
_DECLINED = {"subst", "adj"}
_MAX_COMBINATIONS = 16  # per number and case, so a four-word name cannot explode

Paradigm = dict[tuple[str, str], frozenset[str]]  # (number, case) → forms

# Suffix rules for words Morfeusz does not know: (suffix, number, {case: replacement}).
# Adjectival endings serve streets and places alike ("Wiślna" → "Wiślnej").
_ADJECTIVE_RULES = [
    ("ka", "sg", {"gen": "kiej", "dat": "kiej", "loc": "kiej", "acc": "ką", "inst": "ką"}),
    ("ga", "sg", {"gen": "giej", "dat": "giej", "loc": "giej", "acc": "gą", "inst": "gą"}),
    ("wa", "sg", {"gen": "wej", "dat": "wej", "loc": "wej", "acc": "wą", "inst": "wą"}),
    ("na", "sg", {"gen": "nej", "dat": "nej", "loc": "nej", "acc": "ną", "inst": "ną"}),
    ("cza", "sg", {"gen": "czej", "dat": "czej", "loc": "czej", "acc": "czą", "inst": "czą"}),
    ("ki", "sg", {"gen": "kiego", "dat": "kiemu", "inst": "kim", "loc": "kim"}),
    ("gi", "sg", {"gen": "giego", "dat": "giemu", "inst": "gim", "loc": "gim"}),
    ("wy", "sg", {"gen": "wego", "dat": "wemu", "inst": "wym", "loc": "wym"}),
    ("ny", "sg", {"gen": "nego", "dat": "nemu", "inst": "nym", "loc": "nym"}),
    ("kie", "sg", {"gen": "kiego", "dat": "kiemu", "inst": "kim", "loc": "kim"}),
    ("kie", "pl", {"gen": "kich", "dat": "kim", "inst": "kimi", "loc": "kich"}),
    ("we", "sg", {"gen": "wego", "dat": "wemu", "inst": "wym", "loc": "wym"}),
    ("we", "pl", {"gen": "wych", "dat": "wym", "inst": "wymi", "loc": "wych"}),
    ("ne", "sg", {"gen": "nego", "dat": "nemu", "inst": "nym", "loc": "nym"}),
    ("ne", "pl", {"gen": "nych", "dat": "nym", "inst": "nymi", "loc": "nych"}),
]
# Place-name nouns ("Bronowice" → "Bronowicach", "Kurdwanów" → "Kurdwanowie").
_PLACE_RULES = [
    ("ice", "pl", {"gen": "ic", "dat": "icom", "inst": "icami", "loc": "icach"}),
    ("yce", "pl", {"gen": "yc", "dat": "ycom", "inst": "ycami", "loc": "ycach"}),
    ("ki", "pl", {"dat": "kom", "inst": "kami", "loc": "kach"}),
    ("gi", "pl", {"dat": "gom", "inst": "gami", "loc": "gach"}),
    ("y", "pl", {"dat": "om", "inst": "ami", "loc": "ach"}),
    ("ów", "sg", {"gen": "owa", "dat": "owowi", "inst": "owem", "loc": "owie"}),
    ("ek", "sg", {"gen": "ka", "dat": "kowi", "inst": "kiem", "loc": "ku"}),
    ("ec", "sg", {"gen": "ca", "dat": "cowi", "inst": "cem", "loc": "cu"}),
    ("e", "sg", {"gen": "a", "dat": "u", "inst": "em", "loc": "u"}),
    ("o", "sg", {"gen": "a", "dat": "u", "inst": "em", "loc": "u"}),
    ("ka", "sg", {"gen": "ki", "dat": "ce", "acc": "kę", "inst": "ką", "loc": "ce"}),
    ("a", "sg", {"gen": "y", "dat": "ie", "acc": "ę", "inst": "ą", "loc": "ie"}),
]


@lru_cache(maxsize=1)
def morfeusz() -> morfeusz2.Morfeusz:
    return morfeusz2.Morfeusz(expand_tags=False)


@cache
def lemma_forms(lemma: str) -> frozenset[str]:
    """Every form of a lemma (for "ulica": ulica, ulicy, ulicę…); the lemma alone if unknown."""
    forms = {form for form, *_ in morfeusz().generate(lemma)}
    return frozenset(forms | {lemma})


@dataclass(frozen=True)
class _Tag:
    """A Morfeusz tag such as "adj:sg:nom.voc:f:pos", split into its parts."""

    pos: str
    numbers: frozenset[str]
    cases: frozenset[str]
    genders: frozenset[str]
    degree: str

    @classmethod
    def parse(cls, tag: str) -> _Tag:
        parts = tag.split(":") + [""] * 5
        return cls(
            pos=parts[0],
            numbers=frozenset(parts[1].split(".")),
            cases=frozenset(parts[2].split(".")),
            genders=frozenset(parts[3].split(".")),
            degree=parts[4],
        )


@dataclass(frozen=True)
class Word:
    """One word of a name: its paradigm (empty when it does not decline) and what it is."""

    text: str
    paradigm: Paradigm
    adjective: bool  # may be an adjective ("Nowa", "Stare", but also "Wola")
    geographic: bool  # may be a place name ("Wola", "Nowa", but not "Łysa")
    given_name: bool  # "Tadeusza" in "Tadeusza Kościuszki"


def _generated_paradigm(lemma: str, tag: _Tag) -> dict[tuple[str, str], set[str]]:
    (number,) = tag.numbers
    paradigm: dict[tuple[str, str], set[str]] = {}
    for form, _lemma, generated, *_ in morfeusz().generate(lemma):
        other = _Tag.parse(generated)
        if other.pos != tag.pos or number not in other.numbers:
            continue
        if not tag.genders & other.genders or (tag.pos == "adj" and other.degree != "pos"):
            continue
        for case in other.cases:
            paradigm.setdefault((number, case), set()).add(form)
    return paradigm


def _rule_paradigm(text: str, rules: list) -> dict[tuple[str, str], set[str]]:
    """Paradigm from the first rule (per number) whose suffix ends `text`."""
    paradigm: dict[tuple[str, str], set[str]] = {}
    numbers_done = set()
    for suffix, number, endings in rules:
        if number in numbers_done or not text.endswith(suffix) or len(text) <= len(suffix) + 1:
            continue
        numbers_done.add(number)
        stem = text[: -len(suffix)]
        paradigm[(number, "nom")] = {text}
        for case, ending in endings.items():
            paradigm.setdefault((number, case), set()).add(stem + ending)
    return paradigm


@cache
def analyse_word(text: str, place: bool) -> Word:
    """Decline one word of a name; `place` allows noun rules (streets decline as adjectives)."""
    if len(text) <= 2 or not text.isalpha():
        return Word(text, {}, adjective=False, geographic=False, given_name=False)
    readings = [
        interpretation
        for start, end, interpretation in morfeusz().analyse(text)
        if (start, end) == (0, 1) and interpretation[2] != "ign"
    ]
    paradigm: dict[tuple[str, str], set[str]] = {}
    adjective = geographic = given_name = False
    for _form, lemma, tag_text, labels, _qualifiers in readings:
        tag = _Tag.parse(tag_text)
        given_name = given_name or "imię" in labels
        geographic = geographic or "nazwa_geograficzna" in labels
        adjective = adjective or (tag.pos == "adj" and lemma[:1].islower())
        if tag.pos not in _DECLINED or "nom" not in tag.cases or len(tag.numbers) != 1:
            continue
        for key, forms in _generated_paradigm(lemma, tag).items():
            paradigm.setdefault(key, set()).update(forms)
    rules = [] if adjective else [_ADJECTIVE_RULES]  # "Duchackie" is known only as a noun
    if not readings and place:
        rules.append(_PLACE_RULES)
    for rule_set in rules:
        for key, forms in _rule_paradigm(text, rule_set).items():
            paradigm.setdefault(key, set()).update(forms)
    frozen = {key: frozenset(forms) for key, forms in paradigm.items()}
    return Word(
        text,
        frozen,
        adjective=adjective,
        geographic=geographic,
        given_name=given_name,
    )


def phrase_forms(words: list[Word]) -> set[tuple[str, ...]]:
    """All forms of a multi-word name, its words agreeing in number and case.

    A word without a paradigm (a genitive like "Wielkiego", a number, "Na") stays as written;
    a number in which one declining word has no forms is skipped ("Stare Miasto" has no plural).
    """
    forms = {tuple(w.text for w in words)}
    for number, case in product(NUMBERS, CASES):
        options = []
        for word in words:
            if not word.paradigm:
                options.append([word.text])
            elif (number, case) in word.paradigm:
                options.append(sorted(word.paradigm[(number, case)]))
            elif any(n == number for n, _c in word.paradigm):
                options.append([word.text])  # e.g. vocative missing from a rule paradigm
            else:
                break
        else:
            for i, combination in enumerate(product(*options)):
                if i == _MAX_COMBINATIONS:
                    break
                forms.add(combination)
    return forms
