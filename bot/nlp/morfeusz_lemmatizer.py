"""A spaCy component that lemmatises Polish with Morfeusz 2 (SGJP dictionary).

No `from __future__ import annotations` here: spaCy validates the factory signature at run time.

Residents often type without Polish letters ("jak sie zapisac"), so for a word Morfeusz does not
know (or knows only as an archaic or dialect form) the component tries the spellings with restored
diacritics, fewest changes first. The lemma is then folded to ASCII by default, so that the NLU
features of "zapisać" and "zapisac" are the same whatever the resident typed.
"""

from spacy.language import Language
from spacy.tokens import Doc

from bot.polish.morfeusz import MorfeuszAnalyser
from bot.polish.text import fold_diacritics


class MorfeuszLemmatizer:
    """Sets `token.lemma_` and `token.tag_` from Morfeusz for every word token."""

    def __init__(self, fold: bool, restore_diacritics: bool) -> None:
        self._fold = fold
        self._analyser = MorfeuszAnalyser(restore_diacritics=restore_diacritics)

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            if token.is_space:
                continue
            if token.is_punct or token.like_num:
                token.lemma_ = token.lower_
                continue
            lemma, pos = self._analyser.lemma_pos(token.lower_)
            token.lemma_ = fold_diacritics(lemma.lower()) if self._fold else lemma
            if pos:
                token.tag_ = pos
        return doc


@Language.factory(
    "morfeusz_lemmatizer",
    default_config={"fold_diacritics": True, "restore_diacritics": True},
)
def make_morfeusz_lemmatizer(
    nlp: Language,  # noqa: ARG001 (spaCy passes it to every factory)
    name: str,  # noqa: ARG001
    fold_diacritics: bool,
    restore_diacritics: bool,
) -> MorfeuszLemmatizer:
    """spaCy factory; registered as an entry point so a saved pipeline loads without imports."""
    return MorfeuszLemmatizer(fold=fold_diacritics, restore_diacritics=restore_diacritics)
