"""A safety net for crisis messages: phrases from data/crisis_lexicon.yml matched on lemmas.

The NLU model recognises most crisis messages; this catches the ones it does not, so that the
crisis numbers always come first. Matching is on folded Morfeusz lemmas, so inflection and missing
Polish letters do not matter.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from bot.nlp.morfeusz_lemmatizer import MorfeuszAnalyser
from bot.nlp.text import fold_diacritics

LEXICON_FILE = Path(__file__).resolve().parents[2] / "data" / "crisis_lexicon.yml"
# Words that carry no meaning in a phrase ("z", "na"): they need not occur in the message.
_IGNORED_POS = {"prep", "conj", "comp", "interp"}


class CrisisLexicon:
    def __init__(self, phrases: dict[str, list[frozenset[str]]], analyser: MorfeuszAnalyser):
        self._phrases = phrases
        self._analyser = analyser

    @classmethod
    def load(cls, path: Path = LEXICON_FILE) -> CrisisLexicon:
        analyser = MorfeuszAnalyser()
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        phrases = {}
        for intent, entries in raw.items():
            if not intent.startswith("crisis_") or not entries:
                raise ValueError(f"{path}: '{intent}' must be a crisis_* intent with phrases")
            phrases[intent] = [cls._key(analyser, phrase) for phrase in entries]
        return cls(phrases, analyser)

    @staticmethod
    def _key(analyser: MorfeuszAnalyser, phrase: str) -> frozenset[str]:
        words = [w.strip(".,!?") for w in phrase.lower().split()]
        return frozenset(
            fold_diacritics(lemma)
            for lemma, pos in map(analyser.lemma_pos, words)
            if pos not in _IGNORED_POS
        )

    def lemmas(self, words: Iterable[str]) -> set[str]:
        return {fold_diacritics(self._analyser.lemma_pos(w.lower())[0]) for w in words}

    def match(self, lemmas: set[str]) -> str | None:
        """The crisis intent whose phrase occurs among the message's lemmas, if any."""
        for intent, phrases in self._phrases.items():
            if any(phrase <= lemmas for phrase in phrases):
                return intent
        return None
