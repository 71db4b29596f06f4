"""Finding the names in a tokenised message: exact forms first, then a guarded typo search.

An exact or inflected form always wins: the typo search only runs when no place was found at
all, only on words Morfeusz does not know (a real word is not a typo), never on everyday words
or short tokens, and only where the sentence reads like an address.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.address.index import Context, FormIndex, Tier, is_common
from bot.address.morphology import morfeusz
from bot.address.normalise import PREFIXES, Token


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words after which a name is probably a place ("na Szerokiej", "w Bronowicach").
CONTEXT_WORDS = _words(
    "na przy w we z ze do od dla kolo obok okolice okolicy okolicach niedaleko blisko naprzeciwko"
    " rejon rejonie adres strony stronie strone"
)
# Punctuation that sets a heading name off from the rest of the message.
_HEADING_MARKS = frozenset(",:;-–—")
# Words that may surround a bare name given as the answer ("dzień dobry, Szeroka").
_FILLER_WORDS = _words(
    "dzien dobry witam czesc hej prosze mieszkam mieszkamy mieszka to jest moj moja moje tak"
    " ok okej no a i chyba raczej wlasnie"
)
ANSWER_WORDS = _FILLER_WORDS | CONTEXT_WORDS | PREFIXES
# Words between a name and its house number ("Grodzka nr 40", "os. Centrum C bl. 5").
_BEFORE_NUMBER = _words(
    "nr numer numerem pod bl blok bloku budynek budynku kamienica kamienicy dom domu"
)
_FLAT_MARKERS = _words("m lok lokal lokalu mieszkanie mieszkania mieszk apt")
# Words that belong to a house number as written ("nr 14 m. 3").
NUMBER_WORDS = _BEFORE_NUMBER | _FLAT_MARKERS
_MIN_FUZZY_LENGTH = 5
_MAX_FUZZY_WORDS = 3
_FUZZY_CONFIDENCE = 0.9
_CONFIDENCE = {Tier.NAME: 0.97, Tier.ALIAS: 0.9, Tier.PARTIAL: 0.7}


@dataclass(frozen=True)
class HouseNumber:
    """As typed: "14a", and the flat "3" of "14a/3"."""

    house: str
    flat: str | None


@dataclass(frozen=True)
class Match:
    """A phrase of the message and the entries it may name, best first."""

    surface: str
    key: str  # what was typed, as a key
    entries: tuple[int, ...]
    matched: tuple[str, ...]  # for each entry, the index key it matched
    tier: Tier
    confidence: float
    distance: int | None  # edits, for a typo match
    weak: bool  # only a common-word name or part of a name: a typo match may replace it
    number: HouseNumber | None  # the house number written right after the phrase
    previous: str | None  # the token before the phrase ("w" in "w Wieliczce")
    start: int
    end: int


def read_house_number(tokens: list[Token], start: int) -> HouseNumber | None:
    """House number (and flat) at `start`: "14", "14a", "14/3", "14 m. 3", "nr 14 lok 3"."""
    i = start
    while i < len(tokens) and i < start + 2 and tokens[i].key in _BEFORE_NUMBER:
        i += 1
    if i >= len(tokens) or not tokens[i].is_number:
        return None
    house = tokens[i].surface
    marker = tokens[i + 1] if i + 1 < len(tokens) else None
    flat = tokens[i + 2] if i + 2 < len(tokens) else None
    if marker and flat and flat.is_number and (marker.key == "/" or marker.key in _FLAT_MARKERS):
        return HouseNumber(house, flat.surface)
    return HouseNumber(house, None)


def _fuzzy_budget(length: int) -> int:
    """Edits allowed for a typo of a word this long: one up to 6 letters, then two, then three."""
    return 1 if length <= 6 else 2 if length <= 11 else 3


class Matcher:
    """Finds matches of one FormIndex in token lists."""

    def __init__(self, index: FormIndex) -> None:
        self.index = index

    def _context(self, text: str, tokens: list[Token], start: int, end: int, hint: bool) -> Context:
        if hint or (start > 0 and tokens[start - 1].key in PREFIXES):
            return Context.STRONG
        if read_house_number(tokens, end) is not None:
            return Context.STRONG
        if start > 0 and tokens[start - 1].key in CONTEXT_WORDS:
            return Context.WEAK
        if start == 0 and _set_off(text, tokens, end):
            return Context.WEAK  # "Piaski Wielkie, gdzie jest…": the name heads the message
        outside = tokens[:start] + tokens[end:]
        if all(not t.is_word or t.key in ANSWER_WORDS for t in outside):
            return Context.WEAK
        return Context.NONE

    def _match(
        self,
        text: str,
        tokens: list[Token],
        start: int,
        end: int,
        hits: dict,
        matched: dict[int, str],
        distance: int | None = None,
    ) -> Match:
        key = " ".join(t.key for t in tokens[start:end])
        tier = min(h.tier for h in hits.values())
        best = sorted(e for e, h in hits.items() if h.tier == tier)
        if distance is None:
            confidence = _CONFIDENCE[tier]
        else:
            confidence = round(_FUZZY_CONFIDENCE * (1 - distance / max(len(key), 1)), 2)
        return Match(
            surface=text[tokens[start].start : tokens[end - 1].end],
            key=key,
            entries=tuple(best),
            matched=tuple(matched[e] for e in best),
            tier=tier,
            confidence=confidence,
            distance=distance,
            weak=tier == Tier.PARTIAL or all(h.gate > Context.NONE for h in hits.values()),
            number=read_house_number(tokens, end),
            previous=tokens[start - 1].key if start > 0 else None,
            start=start,
            end=end,
        )

    def exact(self, text: str, tokens: list[Token], hint: bool = False) -> list[Match]:
        """Leftmost-longest phrases whose key is in the index and whose context lets them in."""
        matches = []
        i = 0
        while i < len(tokens):
            found = None
            for j in range(min(len(tokens), i + self.index.max_words), i, -1):
                key = " ".join(t.key for t in tokens[i:j])
                hits = self.index.keys.get(key)
                if not hits:
                    continue
                context = self._context(text, tokens, i, j, hint)
                allowed = {e: h for e, h in hits.items() if h.gate <= context}
                if allowed:
                    found = self._match(text, tokens, i, j, allowed, dict.fromkeys(allowed, key))
                    break
            if found:
                matches.append(found)
                i = found.end
            else:
                i += 1
        return matches

    def _typo_candidate(self, token: Token) -> bool:
        """A word that may be a misspelt name: long, not everyday, not a word of its own.

        A word Morfeusz knows as a common word or a place ("Wieliczka") is what the resident
        meant; one it knows only as a surname ("Florjańska") may still be a typo.
        """
        if not token.is_word or len(token.key) < _MIN_FUZZY_LENGTH or is_common(token.key):
            return False
        if token.key in PREFIXES or token.key in CONTEXT_WORDS:
            return False
        for _start, _end, (_form, lemma, tag, labels, _qualifiers) in morfeusz().analyse(
            token.surface
        ):
            if tag != "ign" and (lemma[:1].islower() or "nazwa_geograficzna" in labels):
                return False
        return True

    def fuzzy(
        self, text: str, tokens: list[Token], taken: list[Match], hint: bool = False
    ) -> list[Match]:
        """Typo matches of up to three words around words Morfeusz does not know.

        A span may swallow whole exact matches ("Józefa" in "Józefa Dietlaa"), never part of
        one; ties between entries are all kept, so a typo halfway between two streets is asked
        about, not guessed.
        """
        owner = {i: m for m in taken for i in range(m.start, m.end)}
        candidate = [i not in owner and self._typo_candidate(t) for i, t in enumerate(tokens)]
        found = []
        for start in range(len(tokens)):
            for end in range(start + 1, min(len(tokens), start + _MAX_FUZZY_WORDS) + 1):
                if self._fuzzy_span_allowed(tokens, start, end, owner, candidate):
                    match = self._fuzzy_span(text, tokens, start, end, hint)
                    if match:
                        found.append(match)
        found.sort(key=lambda m: ((m.distance or 0) / len(m.key), -(m.end - m.start)))
        chosen: list[Match] = []
        for match in found:
            if all(match.end <= c.start or match.start >= c.end for c in chosen):
                chosen.append(match)
        return chosen

    @staticmethod
    def _fuzzy_span_allowed(
        tokens: list[Token], start: int, end: int, owner: dict, candidate: list[bool]
    ) -> bool:
        span = range(start, end)
        if not any(candidate[i] for i in span) or not all(tokens[i].is_word for i in span):
            return False
        if any(owner[i].start < start or owner[i].end > end for i in span if i in owner):
            return False
        if end - start == 1:
            return True
        edges = (tokens[start].key, tokens[end - 1].key)
        return all(len(t.key) >= 3 for t in tokens[start:end]) and not set(edges) & CONTEXT_WORDS

    def _fuzzy_span(
        self, text: str, tokens: list[Token], start: int, end: int, hint: bool
    ) -> Match | None:
        context = self._context(text, tokens, start, end, hint)
        if context < Context.WEAK:
            return None
        query = " ".join(t.key for t in tokens[start:end])
        best: dict[int, int] = {}
        best_key: dict[int, str] = {}
        for key, distance in self.index.near(query, end - start, _fuzzy_budget(len(query))):
            for entry, hit in self.index.keys[key].items():
                if hit.gate > context:
                    continue
                if distance < best.get(entry, distance + 1):
                    best[entry], best_key[entry] = distance, key
        if not best:
            return None
        closest = min(best.values())
        hits = {
            e: self.index.keys[best_key[e]][e]
            for e, distance in best.items()
            if distance == closest
        }
        return self._match(text, tokens, start, end, hits, best_key, distance=closest)


def _set_off(text: str, tokens: list[Token], end: int) -> bool:
    """Whether a comma, colon or dash follows the first `end` tokens, before more words."""
    if end >= len(tokens):
        return False
    between = text[tokens[end - 1].end : tokens[end].start]
    return any(mark in _HEADING_MARKS for mark in between)
