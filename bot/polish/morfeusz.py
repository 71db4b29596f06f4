"""Morfeusz 2 (SGJP dictionary): one lemma and part of speech per Polish word, or for phrase
matching every plausible one.

Residents often type without Polish letters ("jak sie zapisac"), so for a word Morfeusz does not
know (or knows only as an archaic or dialect form) the analyser tries the spellings with restored
diacritics, fewest changes first. Used by the spaCy lemmatizer of the NLU pipeline and by the
address and place recognition, which is why it lives outside both.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from itertools import combinations, islice, product

import morfeusz2

# What an ASCII letter may stand for when the Polish letter was skipped.
_RESTORE = {"a": "ą", "c": "ć", "e": "ę", "l": "ł", "n": "ń", "o": "ó", "s": "ś", "z": "źż"}
# Qualifiers that mark a reading nobody means in a chat (archaic, dialect, obsolete spelling).
_RARE_QUALIFIERS = {"daw.", "gwar.", "przest.", "arch.", "książk."}
# Tie-break between equally plausible readings ("mam": mieć or mama? "mnie": ja or miąć?): in chat
# pronouns and function words are likelier than verbs, verbs and participles ("bita": bić) likelier
# than nouns and adjectives, those likelier than rarer classes.
_POS_RANK = {
    **dict.fromkeys(("part", "qub", "ppron12", "siebie", "prep"), 0.0),
    **dict.fromkeys(("conj", "comp", "ppron3"), 0.05),  # "nie" is the negation, not "them"
    **dict.fromkeys(("fin", "inf", "praet", "impt"), 0.1),
    **dict.fromkeys(("ppas", "pact"), 0.15),
}
_POS_RANK_NOUN = 0.2
_POS_RANK_OTHER = 0.3
_MAX_CHANGES = 3
_MAX_CANDIDATES = 400
_MAX_COMMON_CHECKS = 40  # one or two letters put back: further guesses find words nobody meant


class MorfeuszAnalyser:
    """Chooses one lemma and part of speech per word; cached, since chat vocabulary repeats."""

    def __init__(self, restore_diacritics: bool = True) -> None:
        self._morfeusz = morfeusz2.Morfeusz(expand_tags=False)
        self._restore = restore_diacritics
        self.lemma_pos = lru_cache(maxsize=50_000)(self._lemma_pos)
        self.plausible = lru_cache(maxsize=50_000)(self._plausible)

    def _readings(self, word: str) -> list[tuple[str, str, float]]:
        """Known readings of one word as (lemma, coarse tag, rank); lower rank is likelier."""
        readings = []
        for _start, _end, (_orth, lemma, tag, names, qualifiers) in self._morfeusz.analyse(word):
            if tag == "ign":
                continue
            pos = tag.split(":")[0]
            rank = _POS_RANK.get(
                pos, _POS_RANK_NOUN if pos in ("subst", "adj") else _POS_RANK_OTHER
            )
            if _RARE_QUALIFIERS.intersection(qualifiers) or pos == "brev" or lemma.isupper():
                rank += 4  # archaic, dialect, or an acronym ("sa" is "są" far more than "SA")
            if names and "nazwa_pospolita" not in names:
                rank += 1  # proper names rank below common words in lower-cased chat text
            readings.append((lemma.split(":")[0], pos, rank))
        return readings

    def _restorations(self, word: str) -> Iterator[str]:
        """Spellings of `word` with Polish letters put back, fewest changes first."""
        positions = [i for i, ch in enumerate(word) if ch in _RESTORE]
        produced = 0
        for changes in range(1, _MAX_CHANGES + 1):
            for chosen in combinations(positions, changes):
                for letters in product(*(_RESTORE[word[i]] for i in chosen)):
                    chars = list(word)
                    for i, letter in zip(chosen, letters, strict=True):
                        chars[i] = letter
                    yield "".join(chars)
                    produced += 1
                    if produced >= _MAX_CANDIDATES:
                        return

    def _best(self, readings: list[tuple[str, str, float]]) -> tuple[str, str, float] | None:
        return min(readings, key=lambda r: r[2]) if readings else None

    def _common_restored(self, word: str) -> Iterator[tuple[str, str]]:
        """The everyday readings (lemma, part of speech) of `word` with one or two Polish letters
        put back: further guesses find words nobody meant."""
        for spelling in islice(self._restorations(word), _MAX_COMMON_CHECKS):
            yield from ((lemma, pos) for lemma, pos, rank in self._readings(spelling) if rank < 1)

    def common_with_diacritics(self, word: str) -> bool:
        """Whether an ASCII word is an everyday word once a Polish letter is put back ("glowie":
        "głowie", though Morfeusz knows "glowie" as the village Glów)."""
        if not (word.isascii() and word.isalpha()):
            return False
        return next(self._common_restored(word.lower()), None) is not None

    def _plausible(self, word: str) -> frozenset[tuple[str, str]]:
        """Every (lemma, part of speech) a writer may likely have meant by one lower-cased word.

        `lemma_pos` must choose one; a phrase matcher need not. Equally likely readings all count
        ("prace": "praca" or "prace"), and an ASCII word the dictionary reads only as a name or a
        noun may be a common word with its Polish letters skipped ("zycie" is "życie", not a form
        of the name Zyta; "lal" is "lał", not "lala"). A verb as written is not second-guessed:
        "zabija" stays "zabijać". Gerunds are left out: "nie chcę takiego życia" says nothing of
        "żyć". Empty for an unknown word.
        """
        readings = [r for r in self._readings(word) if r[1] != "ger"]
        best = self._best(readings)
        found = {(lemma, pos) for lemma, pos, rank in readings if best and rank == best[2]}
        unsure = best is None or best[2] >= _POS_RANK_NOUN
        if self._restore and word.isascii() and word.isalpha() and unsure:
            found |= {(lemma, pos) for lemma, pos in self._common_restored(word) if pos != "ger"}
        if found:
            return frozenset(found)
        lemma, pos = self.lemma_pos(word)
        return frozenset({(lemma, pos)} if pos else ())

    def _lemma_pos(self, word: str) -> tuple[str, str]:
        """Lemma and coarse part of speech of one lower-cased word ("" when unknown)."""
        best = self._best(self._readings(word))
        if self._restore and word.isascii() and word.isalpha() and (best is None or best[2] >= 4):
            for spelling in self._restorations(word):
                restored = self._best(self._readings(spelling))
                if restored is not None and restored[2] < 4:
                    best = restored
                    break
        if best is None:
            return word, ""
        return best[0], best[1]


@lru_cache(maxsize=1)
def default_analyser() -> MorfeuszAnalyser:
    """One analyser (and one word cache) for the NLU guards in a process: Morfeusz loads once."""
    return MorfeuszAnalyser()
