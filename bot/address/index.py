"""The form index: every way a name can be written → the places it may mean.

Built once from the gazetteer (each name's inflected forms, aliases, the head of multi-word
place names), so that resolving a sentence is a handful of dictionary lookups plus, only when
nothing matched exactly, a bounded typo search over keys that share their first letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.address.gazetteer import Gazetteer, Place, roman_to_int
from bot.address.morphology import Word, analyse_word, lemma_forms, phrase_forms
from bot.address.normalise import PREFIXES, STREET, canonical, name_key
from bot.polish.text import fold_diacritics

_COMMON_WORDS_FILE = Path(__file__).with_name("common_words.txt")
_SPLIT = re.compile(r"[\s\-–]+")
# "z dzielnicy czternastej": the districts' numbers as ordinals (lemmas, inflected by Morfeusz).
_ORDINALS = (
    "pierwszy",
    "drugi",
    "trzeci",
    "czwarty",
    "piąty",
    "szósty",
    "siódmy",
    "ósmy",
    "dziewiąty",
    "dziesiąty",
    "jedenasty",
    "dwunasty",
    "trzynasty",
    "czternasty",
    "piętnasty",
    "szesnasty",
    "siedemnasty",
    "osiemnasty",
)


class Tier(IntEnum):
    """How a key names its entry; a lower tier wins when one key means several entries."""

    NAME = 0  # the name or one of its forms
    ALIAS = 1  # another name ("Kościuszki" for "Tadeusza Kościuszki")
    PARTIAL = 2  # the head of a multi-word place ("Prądnik" for Prądnik Czerwony or Biały)


class Context(IntEnum):
    """How sure the surroundings make us that a phrase is an address (and what a key needs)."""

    NONE = 0
    WEAK = 1  # after "na", "przy", "w"…, or the only content of the message
    STRONG = 2  # after "ul.", "al.", "os.", before a house number, or given as an NLU entity


@dataclass(frozen=True)
class Entry:
    """Something a phrase can name: a street, neighbourhood, district, outside place, the city."""

    name: str
    kind: str  # "street" | "neighbourhood" | "district" | "outside" | "city"
    districts: tuple[str, ...]
    place: Place | None = None


@dataclass(frozen=True)
class Hit:
    """One entry a key names, how (tier) and under which context (gate)."""

    entry: int
    tier: Tier
    gate: Context  # the least context under which the key may name the entry


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Folded forms of the everyday words that must never be read as a street by themselves."""
    words: set[str] = set()
    for line in _COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines():
        lemma = line.split("#", 1)[0].strip()
        if lemma:
            words.update(fold_diacritics(form.lower()) for form in lemma_forms(lemma))
    return frozenset(words)


def is_common(key: str) -> bool:
    """A token key that carries no name by itself (an everyday word, a letter, a number)."""
    return len(key) <= 1 or key.isdigit() or key in common_words()


def _distinctive_head(word: Word) -> bool:
    """Whether the first word alone still points at the place: "Prądnik", "Wola", not "Nowa"."""
    if len(word.text) < 4:
        return False
    return not word.adjective or (word.geographic and not is_common(canonical(word.text)))


class FormIndex:
    """Keys (canonical token strings) → entries, with the typo-search buckets."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.entries: list[Entry] = []
        self.keys: dict[str, dict[int, Hit]] = {}
        for street in gazetteer.streets:
            self._add_place(Entry(street.name, "street", street.districts, street), street)
        for place in gazetteer.neighbourhoods:
            self._add_place(Entry(place.name, "neighbourhood", place.districts, place), place)
        for roman, name in gazetteer.districts.items():
            entry = self._add_entry(Entry(name, "district", (roman,)))
            self._add_name(entry, name, Tier.NAME, place=True, partial=True)
            for number in (roman.lower(), str(roman_to_int(roman))):
                self._add_key(f"dz {number}", entry, Tier.NAME, Context.NONE)
            for ordinal in _ordinal_keys(roman):
                self._add_key(f"dz {ordinal}", entry, Tier.NAME, Context.NONE)
                self._add_key(f"{ordinal} dz", entry, Tier.NAME, Context.NONE)
        for name in gazetteer.outside_places:
            self._add_name(self._add_entry(Entry(name, "outside", ())), name, Tier.NAME, place=True)
        city = self._add_entry(Entry(gazetteer.city, "city", ()))
        self._add_name(city, gazetteer.city, Tier.NAME, place=True)
        self.max_words = max(key.count(" ") + 1 for key in self.keys)
        self._buckets: dict[tuple[str, int], list[str]] = {}
        for key in self.keys:
            self._buckets.setdefault((key[0], key.count(" ") + 1), []).append(key)

    def _add_entry(self, entry: Entry) -> int:
        self.entries.append(entry)
        return len(self.entries) - 1

    def _add_place(self, entry: Entry, place: Place) -> None:
        index = self._add_entry(entry)
        is_place = entry.kind != "street"
        words = self._add_name(index, place.name, Tier.NAME, place=is_place, partial=is_place)
        for alias in place.aliases:
            self._add_name(index, alias, Tier.ALIAS, place=is_place)
        for form in place.forms:
            self._add_key(name_key(_SPLIT.split(form)), index, Tier.NAME, Context.NONE)
        # "Tadeusza Kościuszki" is mostly just "Kościuszki"; "Kazimierza Wielkiego" not "Wielkiego".
        if not is_place and len(words) >= 2 and words[0].given_name and not words[-1].adjective:
            self._add_words(index, words[1:], None, Tier.ALIAS)

    def _add_key(self, key: str, entry: int, tier: Tier, gate: Context) -> None:
        hits = self.keys.setdefault(key, {})
        old = hits.get(entry)
        if old is None or (tier, gate) < (old.tier, old.gate):
            hits[entry] = Hit(entry, tier, gate)

    def _add_name(
        self, entry: int, name: str, tier: Tier, place: bool, partial: bool = False
    ) -> list[Word]:
        """Index a name's forms; returns its declined words (prefix such as "os." left out)."""
        tokens = [t.rstrip(".") for t in _SPLIT.split(name.strip()) if t.rstrip(".")]
        prefix = canonical(tokens[0]) if len(tokens) > 1 else None
        if prefix in PREFIXES:
            tokens = tokens[1:]
        prefix = prefix if prefix in PREFIXES and prefix != STREET else None
        words = [analyse_word(t, place) for t in tokens]
        self._add_words(entry, words, prefix, tier)
        if partial and len(words) >= 2 and _distinctive_head(words[0]):
            self._add_words(entry, words[:-1], prefix, Tier.PARTIAL, Context.WEAK)
        return words

    def _add_words(
        self,
        entry: int,
        words: list[Word],
        prefix: str | None,
        tier: Tier,
        least: Context = Context.NONE,
    ) -> None:
        """Index every form of a word sequence, with its prefix and, gated, without it."""
        first = canonical(words[0].text)
        if prefix:
            bare_gate = Context.STRONG if is_common(first) else least
        else:
            all_common = all(is_common(canonical(w.text)) for w in words)
            bare_gate = max(least, Context.WEAK if all_common else Context.NONE)
        for form in phrase_forms(words):
            key = name_key(form)
            self._add_key(key, entry, tier, bare_gate)
            if prefix:
                self._add_key(f"{prefix} {key}", entry, tier, least)

    def near(self, query: str, words: int, max_distance: int) -> list[tuple[str, int]]:
        """Keys of `words` words within `max_distance` edits of `query` (same first letter)."""
        choices = self._buckets.get((query[0], words), [])
        found = process.extract(
            query,
            choices,
            scorer=OSA.distance,
            score_cutoff=max_distance,
            limit=20,
        )
        return [(key, int(distance)) for key, distance, _ in found]


def _ordinal_keys(roman: str) -> set[str]:
    """Every form of the district's ordinal ("czternastej", "czternasta"), folded as keys are."""
    number = roman_to_int(roman)
    if number is None or number > len(_ORDINALS):
        return set()
    return {fold_diacritics(form.lower()) for form in lemma_forms(_ORDINALS[number - 1])}
