"""Text helpers shared by the NLP pipeline and address resolution."""

from __future__ import annotations

from collections.abc import Iterable

# Polish letters and the ASCII letter people type instead when they skip diacritics.
_FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def fold_diacritics(text: str) -> str:
    """Map Polish letters to ASCII so that "się" and "sie" compare equal."""
    return text.translate(_FOLD)


def folded_words(words: Iterable[str] | None) -> list[str]:
    """Words of a data file as they are compared with a folded message: lower case, no Polish
    letters."""
    return [fold_diacritics(word.lower()) for word in words or []]


def word_set(text: str) -> frozenset[str]:
    """The words of a space-separated list: long word lists stay readable in the source."""
    return frozenset(text.split())
