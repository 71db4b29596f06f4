"""One canonical spelling for gazetteer keys and for what residents type.

Keys and queries go through the same functions, so that "ul. Józefińskiej", "ulicy jozefinskiej"
and "JÓZEFIŃSKIEJ" all become the tokens the index was built from: lower case, Polish letters
folded to ASCII, every form of "ulica", "aleja", "osiedle", "plac", "rondo", "dzielnica",
"święty", "ksiądz" and "generał" replaced by one short token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.address.morphology import lemma_forms
from bot.polish.text import fold_diacritics

STREET = "ul"  # dropped from keys: names never carry it, residents often do
# Canonical token → the lemma whose every form (and the usual abbreviation) it stands for.
_CANONICAL_LEMMAS = {
    STREET: "ulica",
    "al": "aleja",
    "os": "osiedle",
    "pl": "plac",
    "rondo": "rondo",
    "dz": "dzielnica",
    "sw": "święty",
    "ks": "ksiądz",
    "gen": "generał",
}
# Tokens before a name that say "an address follows": they make a common word a street.
PREFIXES = frozenset({STREET, "al", "os", "pl", "rondo"})

_POSTCODE = re.compile(r"(?<!\d)(\d{2})\s?[-–]\s?(\d{3})(?!\d)")
# A number glued to a flat marker ("14m3", "14lok.3") ends before the marker.
_TOKEN = re.compile(r"\d+(?=(?:m|lok)\.?\d)|\d+[a-z]?(?![a-z])|[^\W\d_]+|/")


@dataclass(frozen=True)
class Token:
    """One word, number or "/" of a text: the canonical key and where it was typed."""

    key: str
    surface: str
    start: int
    end: int

    @property
    def is_number(self) -> bool:
        return self.key[:1].isdigit()

    @property
    def is_word(self) -> bool:
        return self.key[:1].isalpha()


@lru_cache(maxsize=1)
def _canonical_map() -> dict[str, str]:
    mapping = {}
    for canonical, lemma in _CANONICAL_LEMMAS.items():
        for form in lemma_forms(lemma):
            mapping[fold_diacritics(form.lower())] = canonical
        mapping[canonical] = canonical
    return mapping


def canonical(word: str) -> str:
    """Key of one word: lower case, ASCII, abbreviations and prefix words unified."""
    folded = fold_diacritics(word.lower())
    return _canonical_map().get(folded, folded)


def find_postcodes(text: str) -> list[tuple[str, int, int]]:
    """Postcodes written as "30-529" or "30 - 529", with their spans in `text`."""
    return [(f"{m.group(1)}-{m.group(2)}", m.start(), m.end()) for m in _POSTCODE.finditer(text)]


def tokenise(text: str) -> list[Token]:
    """Tokens of `text`, postcodes left out (they are read separately by `find_postcodes`)."""
    lowered = text.lower()
    for _code, start, end in find_postcodes(lowered):
        lowered = lowered[:start] + " " * (end - start) + lowered[end:]
    return [
        Token(canonical(m.group()), text[m.start() : m.end()], m.start(), m.end())
        for m in _TOKEN.finditer(lowered)
    ]


def name_key(words: list[str] | tuple[str, ...]) -> str:
    """Index key of a name or name form given as words."""
    return " ".join(canonical(w) for w in words)
