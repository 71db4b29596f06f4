"""From what a resident typed to the district whose branch serves them, or the question to ask.

The resolver never picks between districts itself: a street that crosses districts without a
house number that the data can place gives "needs_number", several plausible places give
"choose", and the dialogue asks the resident.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

from bot.address import gazetteer as gazetteer_file
from bot.address.gazetteer import Gazetteer
from bot.address.house_numbers import format_ranges, house_key
from bot.address.index import Entry, FormIndex, Tier
from bot.address.matching import HouseNumber, Match, Matcher, read_house_number
from bot.address.model import Candidate, Kind, ParsedAddress, Resolution, Status
from bot.address.normalise import Token, find_postcodes, tokenise
from bot.address.places import lives_in_krakow, not_home, outside_place, said_to_live_at
from bot.polish.morfeusz import default_analyser

KRAKOW_POSTCODE_PREFIXES = ("30-", "31-")
# Before an outside place these say the resident lives there ("w Wieliczce", "z Skawiny"),
# unlike "koło Wieliczki" said of a Kraków street.
_LOCALITY_WORDS = frozenset(["w", "we", "z", "ze", "gmina", "gminie", "gminy", "gm"])
_OUTSIDE_PHRASE_STARTS = frozenset({"poza", "spoza", "pod"})
_PLACE_KINDS = ("neighbourhood", "district")
_SEARCHED_KINDS = ("street", *_PLACE_KINDS, "outside")


@dataclass(frozen=True)
class _Found:
    """One entry named by one match, with the districts still possible for it."""

    match: Match
    entry: Entry
    matched: str  # the index key that named the entry
    districts: tuple[str, ...]
    note: str = ""

    def candidate(self) -> Candidate:
        m, name = self.match, self.entry.name
        if m.distance is not None:
            reason = f"typo {m.surface!r} ≈ {self.matched!r} ({m.distance} edit(s)) → {name!r}"
        elif m.tier == Tier.ALIAS:
            reason = f"alias {m.surface!r} → {name!r}"
        elif m.tier == Tier.PARTIAL:
            reason = f"part of the name {m.surface!r} → {name!r}"
        else:
            reason = f"lemma match {m.surface.lower()!r} → {name!r}"
        place = self.entry.place
        return Candidate(
            name=name,
            kind=cast(Kind, self.entry.kind),  # _found keeps street and place kinds only
            districts=list(self.districts),
            confidence=m.confidence,
            reason=reason + self.note,
            more_districts=bool(place and place.more_districts),
        )


class AddressResolver:
    """Resolves free text (and optional NLU entities) against one gazetteer."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.index = FormIndex(gazetteer)
        self._matcher = Matcher(self.index)

    @classmethod
    def load(cls, path: Path | str = gazetteer_file.DEFAULT_PATH) -> AddressResolver:
        return cls(gazetteer_file.load(path))

    def resolve(
        self,
        text: str,
        street: str | None = None,
        house_number: str | None = None,
        neighbourhood: str | None = None,
    ) -> Resolution:
        """Resolve `text`; the entity hints, when given, are read as sure to be an address."""
        tokens = tokenise(text)
        matches = self._matches(text, tokens, hint=False)
        for hint in (street, neighbourhood):
            if hint:
                matches += self._matches(hint, tokenise(hint), hint=True)

        streets = self._found(matches, ("street",))
        places = self._found(matches, _PLACE_KINDS)
        number = read_house_number(tokenise(house_number), 0) if house_number else None
        number = number or next((f.match.number for f in streets + places if f.match.number), None)
        postcodes = [code for code, _start, _end in find_postcodes(text)]
        parsed = ParsedAddress(
            street=streets[0].match.surface if streets else street,
            house_number=number.house if number else None,
            flat=number.flat if number else None,
            postcode=postcodes[0] if postcodes else None,
            neighbourhood=places[0].match.surface if places else neighbourhood,
            raw=text,
        )
        outside = [
            f
            for f in ([] if lives_in_krakow(tokens) else self._found(matches, ("outside",)))
            if not not_home(tokens, f.match.start) and not _everyday_word(f.match)
        ]
        if outside and _someone_lives_in_krakow(tokens, streets + places, outside):
            outside = []
        if self._outside(postcodes, outside, streets + places):
            return Resolution("outside", parsed)
        if streets:
            return self._decide_street(parsed, streets, places, number)
        if places:
            return self._decide(parsed, places, one_street=False)
        if outside_place(tokens, text):
            return Resolution("outside", parsed)
        return Resolution("unknown", parsed)

    def _matches(self, text: str, tokens: list[Token], hint: bool) -> list[Match]:
        """Exact matches, and typo matches where they explain more than the exact ones.

        A typo match is kept when it swallows an exact match ("Józefa Dietlaa" over "Józefa"),
        or when the exact matches found no place, or only common-word or partial names.
        """
        exact = self._matcher.exact(text, tokens, hint)
        typos = self._matcher.fuzzy(text, tokens, exact, hint)
        sure = any(not m.weak and self._found([m], _SEARCHED_KINDS) for m in exact)

        def inside(inner: Match, outer: Match) -> bool:
            return outer.start <= inner.start and inner.end <= outer.end

        typos = [t for t in typos if not sure or any(inside(m, t) for m in exact)]
        exact = [m for m in exact if not any(inside(m, t) for t in typos)]
        return exact + typos

    def _found(self, matches: list[Match], kinds: tuple[str, ...]) -> list[_Found]:
        """Entries of these kinds named in the matches, each once, in message order."""
        found, seen = [], set()
        for match in matches:
            for index, matched in zip(match.entries, match.matched, strict=True):
                entry = self.index.entries[index]
                if entry.kind in kinds and index not in seen:
                    seen.add(index)
                    found.append(_Found(match, entry, matched, entry.districts))
        return found

    @staticmethod
    def _outside(postcodes: list[str], outside: list[_Found], krakow: list[_Found]) -> bool:
        if any(not code.startswith(KRAKOW_POSTCODE_PREFIXES) for code in postcodes):
            return True
        marked = any(
            f.match.previous in _LOCALITY_WORDS
            or f.match.key.split()[0] in _OUTSIDE_PHRASE_STARTS
            or f.match.start == 0  # "Wieliczka, ul. Kościuszki 5": the town heads the address
            for f in outside
        )
        return bool(outside) and (marked or not krakow)

    def _decide_street(
        self,
        parsed: ParsedAddress,
        streets: list[_Found],
        places: list[_Found],
        number: HouseNumber | None,
    ) -> Resolution:
        key = house_key(number.house) if number else None
        narrowed = []
        for found in streets:
            place = found.entry.place
            if number and key and place and len(place.districts) > 1:
                placed = place.districts_for_number(key)
                if len(placed) == 1:
                    ranges = format_ranges(place.numbers[placed[0]])
                    note = f"; no. {number.house} is in {ranges} of {placed[0]}"
                    found = replace(found, districts=tuple(placed), note=note)
                else:
                    note = f"; no. {number.house} is not placed by the known number ranges"
                    found = replace(found, note=note)
            narrowed.append(found)
        if places:
            place_districts = {d for f in places for d in f.districts}
            agreeing = [
                replace(f, districts=tuple(d for d in f.districts if d in place_districts))
                for f in narrowed
                if place_districts.intersection(f.districts)
            ]
            if not agreeing:  # street and neighbourhood disagree: let the resident say which
                return self._decide(parsed, narrowed + places, one_street=False)
            narrowed = agreeing + places
        single_street = len({f.entry.name for f in narrowed if f.entry.kind == "street"}) == 1
        return self._decide(parsed, narrowed, one_street=single_street)

    @staticmethod
    def _decide(parsed: ParsedAddress, found: list[_Found], one_street: bool) -> Resolution:
        """Resolved when one district remains; otherwise the question to ask.

        "Podgórze" is both a neighbourhood and a district: one candidate, the neighbourhood.
        """
        candidates, seen = [], set()
        for f in sorted(found, key=lambda f: (f.entry.kind == "district", -f.match.confidence)):
            candidate = f.candidate()
            if (candidate.name, tuple(candidate.districts)) not in seen:
                seen.add((candidate.name, tuple(candidate.districts)))
                candidates.append(candidate)
        candidates.sort(key=lambda c: -c.confidence)
        districts = {d for c in candidates for d in c.districts}
        if len(districts) == 1:
            return Resolution("resolved", parsed, candidates, districts.pop())
        status: Status = "needs_number" if one_street else "choose"
        return Resolution(status, parsed, candidates)


def _everyday_word(match: Match) -> bool:
    """A typo match on an everyday word typed without Polish letters: "dal mi do myslenia" is
    "myślenia", no slip of Myślenice."""
    return match.distance is not None and default_analyser().common_with_diacritics(match.surface)


def _someone_lives_in_krakow(
    tokens: list[Token], krakow: list[_Found], outside: list[_Found]
) -> bool:
    """A Kraków place said to be where someone lives, and the town elsewhere not: "mama mieszka
    sama na Kurdwanowie, ja jestem w Tarnowie" asks for the branch of the mother's address."""
    lived = [f for f in krakow if said_to_live_at(tokens, f.match.start)]
    return bool(lived) and not any(said_to_live_at(tokens, f.match.start) for f in outside)
