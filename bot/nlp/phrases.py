"""Phrases matched on lemmas: the crisis safety net, and requests to be contacted by a person.

A phrase matches when its words occur in the message in the same order, at most a few words
apart, on folded Morfeusz lemmas: inflection and missing Polish letters do not matter, and "nie"
in another clause does not turn a sentence into a crisis. A message word counts with each of its
plausible lemmas (MorfeuszAnalyser.plausible): "mnie lal" is "mnie lał" although the dictionary
also knows "lal" as a form of "lala". A lexicon file maps intents to phrases,
and its `everyday` list holds phrases in which the words have another sense.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.address.morphology import lemma_forms
from bot.polish.morfeusz import MorfeuszAnalyser, default_analyser
from bot.polish.text import fold_diacritics

# Words that carry no meaning in a phrase ("z", "na"): they need not occur in the message.
_IGNORED_POS = {"prep", "conj", "comp", "interp"}
# Personal pronouns keep their form: "mnie bije" is about the writer, "serce mi bije" is not.
_FORM_POS = {"ppron12", "ppron3", "siebie"}
# "się" belongs to the verb right before it: "zabiję się", never "zabije, jak się spóźnię".
_CLITIC = "sie"
# A "nie" right before a phrase denies it; the contact requests refuse one anywhere.
NEGATION = "nie"
# How many other words may stand between two words of a phrase ("nie chcę już żyć").
MAX_GAP = 2
# A word the dictionary does not know, from this length on, one typing slip away from a form of
# exactly one lexicon word, is that word: "nie chcu żyć" is "nie chcę żyć".
MIN_TYPO_LENGTH = 4
# The lexicon's list of phrases in which its words have an everyday sense ("pogotowie
# gazowe", "zabić się ze śmiechu"): a crisis phrase found inside one of them does not count.
EVERYDAY = "everyday"

Phrase = tuple[str, ...]
Readings = frozenset[str]  # a message word's plausible lemmas, as phrase words are compared

Lexicon = TypeVar("Lexicon", bound="PhraseLexicon")


class PhraseLexicon:
    def __init__(
        self,
        phrases: dict[str, list[Phrase]],
        analyser: MorfeuszAnalyser,
        everyday: list[Phrase] | None = None,
        lemmas: Iterable[str] = (),
    ):
        self._phrases = phrases
        self._everyday = everyday or []
        self._analyser = analyser
        # Every form of the lexicon's words (folded) → the keys of the words it is a form of, for
        # typing slips ("zabić" is also a form of "zabicie").
        self._forms: dict[str, set[str]] = {}
        for lemma in sorted(lemmas):
            for form in lemma_forms(lemma):
                if len(form) >= MIN_TYPO_LENGTH - 1:
                    self._forms.setdefault(fold_diacritics(form.lower()), set()).add(
                        fold_diacritics(lemma)
                    )
        self._known = sorted(self._forms)

    @classmethod
    def from_file(
        cls: type[Lexicon], path: Path, accepts: Callable[[str], bool], kind: str
    ) -> Lexicon:
        """The lexicon in `path`: intents (each `accepts`, described as `kind`) with their phrases,
        and `everyday`."""
        analyser = default_analyser()
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        texts = [phrase for entries in raw.values() for phrase in entries or []]
        everyday = [
            key for phrase in raw.pop(EVERYDAY, None) or [] for key in cls._keys(analyser, phrase)
        ]
        phrases = {}
        for intent, entries in raw.items():
            if not accepts(intent) or not entries:
                raise ValueError(f"{path}: '{intent}' must be {kind} with phrases")
            phrases[intent] = [key for phrase in entries for key in cls._keys(analyser, phrase)]
        return cls(phrases, analyser, everyday, cls._content_lemmas(analyser, texts))

    @staticmethod
    def _content_lemmas(analyser: MorfeuszAnalyser, texts: Iterable[str]) -> set[str]:
        """The lemmas of the phrases' words that a typing slip may hide (not pronouns, which
        keep their form, nor prepositions, which need not occur)."""
        readings = (analyser.lemma_pos(w.strip(".,!?")) for t in texts for w in t.lower().split())
        return {
            lemma
            for lemma, pos in readings
            if pos and pos not in _IGNORED_POS | _FORM_POS and len(lemma) >= MIN_TYPO_LENGTH - 1
        }

    @classmethod
    def _keys(cls, analyser: MorfeuszAnalyser, phrase: str) -> list[Phrase]:
        """The phrase as written and as typed without Polish letters, where the dictionary reads
        that spelling otherwise ("wybil mi zab": "zab" could be "żab", of "żaba")."""
        written = cls._key(analyser, phrase)
        folded = cls._key(analyser, fold_diacritics(phrase))
        return [written] if folded == written else [written, folded]

    @staticmethod
    def _key(analyser: MorfeuszAnalyser, phrase: str) -> Phrase:
        words = [w.strip(".,!?") for w in phrase.lower().split()]
        keys = (
            (_word_key(word, lemma, pos), pos)
            for word, (lemma, pos) in zip(words, map(analyser.lemma_pos, words), strict=True)
        )
        return tuple(key for key, pos in keys if pos not in _IGNORED_POS)

    def lemmas(self, words: Iterable[str]) -> list[Readings]:
        """The message's words as the lexicon compares them: each word's plausible lemmas
        (pronouns as written), or for a word the dictionary does not know, the lexicon word it
        is a slip of."""
        keys = []
        for word in (w.lower() for w in words):
            readings = self._analyser.plausible(word)
            if readings:
                keys.append(frozenset(_word_key(word, lemma, pos) for lemma, pos in readings))
            else:
                keys.append(frozenset({self._slip_of(fold_diacritics(word))}))
        return keys

    def _slip_of(self, key: str) -> str:
        """The one lexicon word `key` is a typing slip of (one letter off), else `key` itself."""
        if len(key) < MIN_TYPO_LENGTH or not key.isalpha():
            return key
        near = {
            form
            for form, _distance, _index in process.extract(
                key, self._known, scorer=OSA.distance, score_cutoff=1, limit=None
            )
        }
        meant = {lemma for form in near for lemma in self._forms[form]}
        if len(meant) > 1:
            meant &= near  # a word written in its dictionary form is that word
        return meant.pop() if len(meant) == 1 else key

    def says_everyday(self, lemmas: list[Readings]) -> bool:
        """Whether an everyday phrase ("zabić się ze śmiechu") occurs in the message."""
        return any(next(spans(phrase, lemmas), None) for phrase in self._everyday)

    def found(self, lemmas: list[Readings]) -> Iterator[tuple[str, set[int]]]:
        """Each intent's phrase that occurs in the message, with the positions of its words,
        outside every everyday phrase and not denied by a "nie" right before it ("nie
        głoduję", "nie zabijcie mnie za to pytanie")."""
        harmless = {i for phrase in self._everyday for span in spans(phrase, lemmas) for i in span}
        for intent, phrases in self._phrases.items():
            for phrase in phrases:
                for span in spans(phrase, lemmas):
                    if not harmless & span and not _denied(span, lemmas):
                        yield intent, span

    def match(self, lemmas: list[Readings]) -> str | None:
        """The intent of the first phrase found in the message (self.found)."""
        return next((intent for intent, _span in self.found(lemmas)), None)


def _word_key(word: str, lemma: str, pos: str) -> str:
    return fold_diacritics(word if pos in _FORM_POS else lemma)


def _denied(span: set[int], lemmas: list[Readings]) -> bool:
    """Whether "nie" stands right before a phrase that does not start with it."""
    start = min(span)
    return start > 0 and NEGATION in lemmas[start - 1] and NEGATION not in lemmas[start]


def spans(phrase: Phrase, lemmas: list[Readings]) -> Iterator[set[int]]:
    """Each occurrence of `phrase` in order within `lemmas`, as the positions of its words.

    Each word stands at most MAX_GAP words after the previous one; "się" right after its verb.
    """
    for start, readings in enumerate(lemmas):
        if phrase[0] not in readings:
            continue
        positions = [start]
        for word in phrase[1:]:
            gap = 0 if word == _CLITIC else MAX_GAP
            after = positions[-1] + 1
            window = range(after, min(after + 1 + gap, len(lemmas)))
            found = next((i for i in window if word in lemmas[i]), None)
            if found is None:
                break
            positions.append(found)
        else:
            yield set(positions)
