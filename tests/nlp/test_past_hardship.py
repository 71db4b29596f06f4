"""A crisis phrase about a hardship told as over does not make the crisis answer certain."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT

from bot.nlp.crisis import CrisisLexicon
from bot.nlp.crisis_guard import CrisisGuard
from bot.nlp.past_hardship import told_as_over
from tests.nlp.parsed import parsed, words


@pytest.fixture(scope="module")
def lexicon() -> CrisisLexicon:
    return CrisisLexicon.load()


def over(lexicon: CrisisLexicon, text: str) -> bool:
    lemmas = lexicon.lemmas(words(text))
    spans = [span for _intent, span in lexicon.found(lemmas)]
    assert spans, f"no crisis phrase in {text!r}"
    return told_as_over(words(text), lemmas, spans)


@pytest.mark.parametrize(
    "text",
    [
        "Pięć lat temu nocowałem na dworcu, teraz wynajmuję pokój i chcę oddać ubrania",
        "kiedys ojciec mnie bil, dzis mam swoja rodzine i pytam o kurs dla siebie",
        "Dawno temu myślałam o samobójstwie, obecnie jestem po terapii, czy mogę pomagać?",
    ],
)
def test_a_hardship_long_past_and_over_is_told_as_over(lexicon: CrisisLexicon, text: str) -> None:
    assert over(lexicon, text)


@pytest.mark.parametrize(
    "text",
    [
        # it is back
        "dwa lata temu chciałam się zabić, teraz te myśli wracają",
        "kiedyś mnie bił, dziś znowu zaczął",
        # the phrase in the present tense
        "kiedyś tylko krzyczał, teraz mnie bije",
        # the crisis is told after the now
        "kiedys dostawalam od was zasilek, teraz nie chce zyc",
        # no now at all, or a recent past
        "kiedyś spałem na dworcu i nie wiem, co dalej",
        "tydzień temu mnie pobił, teraz siedzę u siostry",
    ],
)
def test_a_hardship_that_is_back_or_present_is_not(lexicon: CrisisLexicon, text: str) -> None:
    assert not over(lexicon, text)


def test_the_guard_lets_the_models_decide_on_a_hardship_told_as_over(
    lexicon: CrisisLexicon,
) -> None:
    text = "trzy lata temu spałem na dworcu, dziś mam pracę, jak mogę podziękować filii"
    ranking = [
        {"name": "thank", "confidence": 0.9},
        {"name": "crisis_basic_needs", "confidence": 0.1},
    ]
    assert CrisisGuard(lexicon).process([parsed(text, ranking)])[0].get(INTENT)["name"] == "thank"
