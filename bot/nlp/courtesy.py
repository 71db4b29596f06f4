"""Rasa NLU component: the classifiers read a message without the courtesies around it.

"Dzień dobry, nie mam pracy" was answered with the greeting, and "mam długi. Z góry dziękuję za
odpowiedź" with thanks: the polite words outweighed a short message. Placed right after the
tokenizer, this component hides an opening greeting (and "mam pytanie", which announces a question
without asking it) and a closing (data/courtesies.yml) from the tokens that the featurizers and
classifiers read, and leaves the rest as CONTENT for the part model. The text itself stays whole,
for the address finder, the crisis phrases and the logs. Only at inference: the training examples
are read as written, so the classifier is the same and the file takes effect on a restart.
A message that is nothing but courtesy is read whole: then the courtesy is what it says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz.distance import OSA
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.component import UntrainedComponent
from bot.paths import data_file
from bot.polish.text import fold_diacritics, folded_words

CONTENT = "content"  # message property: the text without its courtesies
GREETED = "greeted"  # message property: it opens with a greeting or "mam pytanie"
# A word this long that is one typing slip from a courtesy word is that word ("dzein dobry").
_SLIP_LENGTH = 5
_QUESTION = "?"
# A signature after a closing: at most a first name and a surname, capitalised.
_SIGNATURE = 2
# A question word opens a question within its first two words ("a gdzie to jest").
_QUESTION_WORD_AT = 2

Phrase = tuple[str, ...]


def _phrases(entries: Sequence[str] | None) -> list[Phrase]:
    """Phrases as lower-case words, longest first, so that the longest courtesy is hidden."""
    words = (tuple(entry.lower().split()) for entry in entries or [])
    return sorted(words, key=len, reverse=True)


def _same_word(written: str, courtesy: str) -> bool:
    """Whether a word of the message is the courtesy's word: typed without Polish letters or with
    one slip it is ("czesc", "dzein"), with other Polish letters it is another word ("część")."""
    word = written.lower()
    folded, meant = fold_diacritics(word), fold_diacritics(courtesy)
    if folded == meant:
        return word in (folded, courtesy)
    return len(courtesy) >= _SLIP_LENGTH and OSA.distance(folded, meant) <= 1


def content_of(message: Message) -> str:
    """What the message says without its courtesies: the text when it has none."""
    return str(message.get(CONTENT) or message.get(TEXT) or "")


def _is_word(token: Token) -> bool:
    return any(c.isalnum() for c in token.text)


@dataclass(frozen=True)
class Courtesies:
    openings: list[Phrase]
    addressees: list[Phrase]
    closings: list[Phrase]
    thanks: list[Phrase]
    questions: frozenset[str]  # folded
    # Closings that end the chat (bot/nlp/next_step.py), all folded.
    endings: tuple[str, ...] = ()
    next_steps: frozenset[str] = frozenset()
    requests: frozenset[str] = frozenset()
    # Leaving what is going on (bot/nlp/next_step.py): phrases as folded words, longest first.
    leaving: tuple[tuple[str, ...], ...] = ()
    fillers: frozenset[str] = frozenset()

    @classmethod
    def load(cls, path: Path | None = None) -> Courtesies:
        raw = yaml.safe_load((path or data_file("courtesies.yml")).read_text("utf-8")) or {}
        return cls(
            openings=_phrases(raw.get("openings")),
            addressees=_phrases(raw.get("addressees")),
            closings=_phrases(raw.get("closings")),
            thanks=_phrases(raw.get("thanks")),
            questions=frozenset(folded_words(raw.get("questions"))),
            endings=tuple(folded_words(raw.get("endings"))),
            next_steps=frozenset(folded_words(raw.get("next_steps"))),
            requests=frozenset(folded_words(raw.get("requests"))),
            leaving=tuple(
                sorted(
                    (tuple(phrase.split()) for phrase in folded_words(raw.get("leaving"))),
                    key=len,
                    reverse=True,
                )
            ),
            fillers=frozenset(folded_words(raw.get("fillers"))),
        )

    def content(self, tokens: Sequence[Token]) -> tuple[int, int]:
        """The tokens [start, end) between the opening and the closing; all of them when
        nothing else would be left."""
        words = [i for i, token in enumerate(tokens) if _is_word(token)]
        start = self._opening_end(tokens, words)
        end = self._closing_start(tokens, words, start)
        if not any(_is_word(token) for token in tokens[start:end]):
            return 0, len(tokens)
        while start < end and not _is_word(tokens[start]):
            start += 1  # the comma after "Dzień dobry"
        return start, end

    def _opening_end(self, tokens: Sequence[Token], words: list[int]) -> int:
        """The index of the first token after the opening greetings and their addressees."""
        taken = 0
        while phrase := _match(tokens, words[taken:], self.openings + self.addressees):
            if not taken and phrase in self.addressees:
                return 0  # "Pani Anno, …" opens with a name, not a greeting
            taken += len(phrase)
        return words[taken - 1] + 1 if taken else 0

    def _closing_start(self, tokens: Sequence[Token], words: list[int], start: int) -> int:
        """The index of the first token of the closings at the end ("…? Dziękuję, pozdrawiam"),
        or len(tokens)."""
        tail = [i for i in words if i >= start]
        end = len(tokens)
        for signed in range(1, _SIGNATURE + 1):  # "pozdrawiam, Anna Nowak"
            name, before = tail[-signed:], tail[:-signed]
            if all(tokens[i].text[:1].isupper() for i in name) and self._closing(
                tokens, before, signature=True
            ):
                end, tail = name[0], before
                break
        while phrase := self._closing(tokens, tail):
            end = tail[-len(phrase)]
            tail = tail[: -len(phrase)]
        return end

    def _closing(
        self, tokens: Sequence[Token], tail: list[int], signature: bool = False
    ) -> Phrase | None:
        """The closing that the words at `tail` end with: any of `closings`, or thanks after a
        question; before a signature, only one of `closings`."""
        kinds = (
            ((self.closings, False),)
            if signature
            else ((self.closings, False), (self.thanks, True))
        )
        for phrases, after_question in kinds:
            for phrase in phrases:
                last = tail[-len(phrase) :]
                if len(last) < len(phrase) or not _match(tokens, last, [phrase]):
                    continue
                if not after_question or self._asks(tokens, tail[: -len(phrase)], last[0]):
                    return phrase
        return None

    def _asks(self, tokens: Sequence[Token], words: list[int], thanks: int) -> bool:
        """Whether the words before the thanks (at token `thanks`) ask something: a question mark
        ends them, or a question word opens them ("czy jest psycholog dzięki")."""
        if not words:
            return False
        if any(token.text.endswith(_QUESTION) for token in tokens[words[-1] : thanks]):
            return True
        lead = (fold_diacritics(tokens[i].text.lower()) for i in words[:_QUESTION_WORD_AT])
        return any(word in self.questions for word in lead)


def _match(tokens: Sequence[Token], words: list[int], phrases: list[Phrase]) -> Phrase | None:
    """The first of `phrases` that the words at `words` start with."""
    for phrase in phrases:
        if len(words) >= len(phrase) and all(
            _same_word(tokens[i].text, word) for i, word in zip(words, phrase, strict=False)
        ):
            return phrase
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class CourtesyFilter(UntrainedComponent):
    def __init__(self, courtesies: Courtesies) -> None:
        self._courtesies = courtesies

    @classmethod
    def from_data(cls) -> CourtesyFilter:
        return cls(Courtesies.load())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            text = message.get(TEXT) or ""
            start, end = self._courtesies.content(tokens)
            if (start, end) == (0, len(tokens)):
                continue
            kept = tokens[start:end]
            message.set(TOKENS_NAMES[TEXT], kept)
            message.set(CONTENT, text[kept[0].start : kept[-1].end])
            message.set(GREETED, start > 0)
        return messages
