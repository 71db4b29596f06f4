"""A safety net for crisis messages: phrases from data/crisis_lexicon.yml matched on lemmas.

The NLU model recognises most crisis messages; this catches the ones it does not, so that the
crisis numbers always come first (matching: bot/nlp/phrases.py). It also decides what the
classifier's own crisis guess means for the reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.nlp.phrases import PhraseLexicon
from bot.paths import data_file

LEXICON_FILE = data_file("crisis_lexicon.yml")
CRISIS_PREFIX = "crisis_"
CRISIS_HINT = "crisis_hint"  # key in the parse data: add the gentle line
# Laughter ("haha", "xD", "😂") in a message that also asks something ("nie chce mi sie zyc bez
# kawy haha, a na serio jakie sa formy wsparcia"): the crisis phrase is a joke more likely than
# not, so the question is answered, with the gentle line; laughter alone does not lower a crisis.
_LAUGHTER = re.compile(
    r"\b(?:(?:ha){2,}h?|(?:he){2,}|x+d+|lol)\b|[:;]-?(?:\)|[dp]\b)|[😂🤣😅😆😄😁]", re.IGNORECASE
)
_ASKS = re.compile(
    r"\?|\b(?:czy|jak|jaki|jakie|jaka|gdzie|kiedy|ile|kto|skad|skąd)\b", re.IGNORECASE
)
# The classifier alone is sure of a crisis from this confidence on, or when the crisis intents
# together reach CRISIS_TOGETHER, split between two kinds of crisis (each from SPLIT_SHARE on);
# below that, and for a crisis ranked above HINT_CONFIDENCE behind another intent, the message is
# answered as it asks and one gentle line with the 24/7 numbers follows (`crisis_hint` in the
# parse data).
CERTAIN_CONFIDENCE = 0.9
HINT_CONFIDENCE = 0.3
CRISIS_TOGETHER = 0.8
SPLIT_SHARE = 0.1
# A crisis the classifier leads with, when no ordinary reading would be understood (below the
# fallback threshold) and the part model (bot/nlp/part_model.py) reads a crisis too, is certain:
# two different models agreeing, with nothing else that fits, must not end in a clarification
# question ("on stoi pod drzwiami i krzyczy, że mnie zabije").
LEADING_CONFIDENCE = 0.5
LEADING_TOGETHER = 0.7
SECOND_OPINION = 0.5
# Below this crisis reading of the part model, even a sure classifier is only unsure.
NO_VETO = 0.4
ORDINARY_UNDERSTOOD = 0.5  # FallbackClassifier's threshold in config.yml
# A crisis told inside a long story ("mam 71 lat, syn nie dzwoni… myślę, że nie ma po co żyć") is
# lost in the whole-message reading; the part model reads each sentence on its own. A part it is
# this sure of is a crisis; from PART_HINT on, the answer gets the gentle line.
PART_CERTAIN = 0.95
PART_HINT = 0.85
# Two different models that each lean towards a crisis (from BOTH_EACH on), neither sure, are sure
# together from BOTH_TOGETHER on: "mam w ręku tabletki i właśnie je biorę" left DIET split between
# a greeting and a crisis, and asked which topic was meant. The part model alone is sure of a
# crisis from PART_ALONE on, when a crisis leads its reading of the whole message although DIET
# reads an ordinary question ("dziecko się krztusi i nie może złapać powietrza" was out_of_scope).
# From PART_WHOLE_HINT on, the answer gets the gentle line.
BOTH_EACH = 0.3
BOTH_TOGETHER = 1.3
PART_ALONE = 0.7
PART_WHOLE_HINT = 0.5


def is_crisis(intent: str | None) -> bool:
    return bool(intent) and str(intent).startswith(CRISIS_PREFIX)


def is_certain_crisis(intent: Mapping[str, Any]) -> bool:
    """A crisis intent from the lexicon (confidence 1.0) or a classifier that is sure of it."""
    return is_crisis(intent.get("name")) and intent.get("confidence", 0.0) >= CERTAIN_CONFIDENCE


class CrisisLexicon(PhraseLexicon):
    """The crisis phrases of data/crisis_lexicon.yml (MOPS staff may add phrases)."""

    @classmethod
    def load(cls, path: Path = LEXICON_FILE) -> CrisisLexicon:
        return cls.from_file(path, is_crisis, f"a {CRISIS_PREFIX}* intent")


def jokes_and_asks(text: str) -> bool:
    """Laughter and a question in one message: a crisis phrase in it is not taken as certain."""
    return bool(_LAUGHTER.search(text) and _ASKS.search(text))


def gives_a_home_address(intent: Mapping[str, Any], entities: Sequence[Mapping[str, Any]]) -> bool:
    """ "mieszkam na ulicy Lipowej 5": a street with a house number is a home, not the street.

    Such a message gets no gentle line: "na ulicy" there is where the resident lives.
    """
    return intent.get("name") == "inform_address" and any(
        e.get("entity") == "house_number" for e in entities
    )


@dataclass(frozen=True)
class Tier:
    """What the classifier's crisis guess means for the reply."""

    replacement: Mapping[str, Any] | None  # the intent to answer instead of an unsure crisis
    hint: bool  # add the gentle line with the 24/7 numbers
    # The replacement's confidence among the readings that are not a crisis: once the crisis is
    # ruled out, its share does not count against the ordinary question (no needless fallback).
    confidence: float = 0.0


def classifier_tier(
    intent: Mapping[str, Any],
    ranking: Sequence[Mapping[str, Any]],
    second_opinion: float | None = None,
    second_kind: str | None = None,
) -> Tier:
    """Certain crisis: kept. Unsure crisis: the likeliest other intent, with the gentle line.

    A crisis guess is certain when the classifier is sure of it, or sure that it is a crisis of
    one kind or another (an overdose: danger or suicide), or when it leads, nothing ordinary
    would be understood, and the part model's crisis reading (`second_opinion`) agrees, on the
    same kind of crisis (`second_kind`, its likeliest crisis): a stroke's after-effects read as
    suicide by one model and violence by the other are no agreement. A sure
    classifier that the part model does not follow at all (below NO_VETO) is unsure: one model's
    certainty alone does not sound the alarm over an ordinary question.
    A crisis ranked high behind another intent also gets the gentle line.
    """
    shares = [r.get("confidence", 0.0) for r in ranking if is_crisis(r.get("name"))]
    crisis = sum(shares)
    split = crisis >= CRISIS_TOGETHER and sum(s >= SPLIT_SHARE for s in shares) >= 2
    followed = second_opinion is None or second_opinion >= NO_VETO
    if followed and (is_certain_crisis(intent) or (is_crisis(intent.get("name")) and split)):
        return Tier(None, False)
    if is_crisis(intent.get("name")):
        other = next((r for r in ranking if not is_crisis(r.get("name"))), None)
        share = other.get("confidence", 0.0) / (1.0 - crisis) if other and crisis < 1.0 else 0.0
        agreed = (
            intent.get("confidence", 0.0) >= LEADING_CONFIDENCE
            and crisis >= LEADING_TOGETHER
            and (second_opinion or 0.0) >= SECOND_OPINION
            and second_kind in (None, intent.get("name"))
            and share < ORDINARY_UNDERSTOOD
        )
        return Tier(None, False) if agreed else Tier(other, True, min(share, 1.0))
    return Tier(None, crisis >= HINT_CONFIDENCE)


def crisis_share(probabilities: Mapping[str, float]) -> float:
    """How much of a reading is some kind of crisis."""
    return sum(p for label, p in probabilities.items() if is_crisis(label))


def likeliest_crisis(probabilities: Mapping[str, float]) -> str | None:
    """The kind of crisis a reading leans to most, if it has any."""
    crises = {label: p for label, p in probabilities.items() if is_crisis(label)}
    return max(crises, key=lambda label: crises[label]) if crises else None


def crisis_in_a_part(parts: Iterable[Mapping[str, float]]) -> tuple[str | None, bool]:
    """The crisis one part of a message tells for certain, and whether one part hints at one."""
    readings = [(crisis_share(part), part) for part in parts]
    share, part = max(readings, key=lambda reading: reading[0], default=(0.0, {}))
    if share >= PART_CERTAIN:
        return likeliest_crisis(part), True
    return None, share >= PART_HINT


def crisis_of_both(ranking: Sequence[Mapping[str, Any]], whole: Mapping[str, float]) -> str | None:
    """The crisis that DIET's ranking and the part model's whole-message reading tell together.

    None when they do not, or when DIET is sure of a crisis that the part model does not follow
    (below NO_VETO): that veto keeps its say (classifier_tier).
    """
    diet = {str(r.get("name")): r.get("confidence", 0.0) for r in ranking}
    diet_share, part_share = crisis_share(diet), crisis_share(whole)
    if diet_share >= CERTAIN_CONFIDENCE and part_share < NO_VETO:
        return None
    leads = bool(whole) and is_crisis(max(whole, key=lambda label: whole[label]))
    both = min(diet_share, part_share) >= BOTH_EACH and diet_share + part_share >= BOTH_TOGETHER
    if not (both or (leads and part_share >= PART_ALONE)):
        return None
    labels = {label for label in (*diet, *whole) if is_crisis(label)}
    return max(labels, key=lambda label: diet.get(label, 0.0) + whole.get(label, 0.0))
