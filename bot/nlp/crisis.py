"""A safety net for crisis messages: phrases from data/crisis_lexicon.yml matched on lemmas.

The NLU model recognises most crisis messages; this catches the ones it does not, so that the
crisis numbers always come first. A phrase matches when its words occur in the message in the
same order, at most a few words apart, on folded Morfeusz lemmas: inflection and missing Polish
letters do not matter, and "nie" in another clause does not turn a sentence into a crisis.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from bot.nlp.morfeusz_lemmatizer import MorfeuszAnalyser, default_analyser
from bot.nlp.text import fold_diacritics

LEXICON_FILE = Path(__file__).resolve().parents[2] / "data" / "crisis_lexicon.yml"
# Words that carry no meaning in a phrase ("z", "na"): they need not occur in the message.
_IGNORED_POS = {"prep", "conj", "comp", "interp"}
# How many other words may stand between two words of a phrase ("nie chcę już żyć").
MAX_GAP = 2

Phrase = tuple[str, ...]


class CrisisLexicon:
    def __init__(self, phrases: dict[str, list[Phrase]], analyser: MorfeuszAnalyser):
        self._phrases = phrases
        self._analyser = analyser

    @classmethod
    def load(cls, path: Path = LEXICON_FILE) -> CrisisLexicon:
        analyser = default_analyser()
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        phrases = {}
        for intent, entries in raw.items():
            if not intent.startswith("crisis_") or not entries:
                raise ValueError(f"{path}: '{intent}' must be a crisis_* intent with phrases")
            phrases[intent] = [cls._key(analyser, phrase) for phrase in entries]
        return cls(phrases, analyser)

    @staticmethod
    def _key(analyser: MorfeuszAnalyser, phrase: str) -> Phrase:
        words = [w.strip(".,!?") for w in phrase.lower().split()]
        return tuple(
            fold_diacritics(lemma)
            for lemma, pos in map(analyser.lemma_pos, words)
            if pos not in _IGNORED_POS
        )

    def lemmas(self, words: Iterable[str]) -> list[str]:
        return [fold_diacritics(self._analyser.lemma_pos(w.lower())[0]) for w in words]

    def match(self, lemmas: list[str]) -> str | None:
        """The crisis intent whose phrase occurs in the message's lemmas, if any."""
        for intent, phrases in self._phrases.items():
            if any(_occurs(phrase, lemmas) for phrase in phrases):
                return intent
        return None


def _occurs(phrase: Phrase, lemmas: list[str]) -> bool:
    """`phrase` in order within `lemmas`, each word at most MAX_GAP words after the previous."""
    for start, lemma in enumerate(lemmas):
        if lemma != phrase[0]:
            continue
        position = start
        for word in phrase[1:]:
            window = lemmas[position + 1 : position + 2 + MAX_GAP]
            if word not in window:
                break
            position += 1 + window.index(word)
        else:
            return True
    return False
