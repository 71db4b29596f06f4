"""Hardship told as over: a crisis phrase about a time long past is not a crisis now.

"Kiedyś spałem na dworcu, dziś mam pracę i pokój" and "Siostra rok temu próbowała odebrać sobie
życie. Teraz jest na terapii" are thanks and questions: the phrase they contain must not make the
crisis answer certain. The models still read the message (CrisisGuard), so a crisis that is told
in other words still gets its answer. Told as over means all of: a time long past ("kiedyś",
"dawniej", "w dzieciństwie", "trzy lata temu"), then a now ("teraz", "dziś"), nothing that says
it is back ("znowu", "wracają", "nadal"), and no phrase in the present tense ("kiedyś bił, teraz
mnie bije" is not over).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.nlp.phrases import Readings
from bot.polish.morfeusz import default_analyser
from bot.polish.text import fold_diacritics

# Words as written (folded): Morfeusz reads "kiedyś" as "kiedy" + "ś" and "lata" as "latać".
LONG_AGO = frozenset({"kiedys", "dawniej", "dawno", "dziecinstwie", "dziecinstwa"})
AGO = "temu"  # after a number of years: "dwa lata temu", "rok temu"
YEARS = frozenset({"rok", "roku", "lata", "lat"})
NOW = frozenset({"teraz", "dzis", "dzisiaj", "obecnie"})
AGAIN = frozenset({"znowu", "znow", "nadal", "wciaz", "ciagle", "dalej", "ponownie", "jeszcze"})
COMING_BACK = "wracac"  # a lemma: "myśli wracają"
_PRESENT = {"fin", "impt"}


def told_as_over(words: Sequence[str], lemmas: list[Readings], spans: list[set[int]]) -> bool:
    """Whether the message tells the hardship its crisis phrases (`spans`) name as over: every
    phrase stands after a time long past and before a now."""
    folded = [fold_diacritics(word.lower()) for word in words]
    past = next((i for i in range(len(folded)) if _long_ago(folded, i)), None)
    now = next((i for i, word in enumerate(folded) if word in NOW), None)
    if past is None or now is None or not all(past <= min(s) and max(s) < now for s in spans):
        return False
    if AGAIN.intersection(folded) or any(COMING_BACK in readings for readings in lemmas):
        return False
    return not any(_present(words[i]) for span in spans for i in span)


def _long_ago(folded: list[str], i: int) -> bool:
    years = YEARS.intersection(folded[max(i - 2, 0) : i])
    return folded[i] in LONG_AGO or (folded[i] == AGO and bool(years))


def _present(word: str) -> bool:
    """A verb in the present tense or the imperative and nothing else ("bije", "śpię"; not
    "myśli", which is also the noun)."""
    readings = default_analyser().plausible(word.lower())
    return bool(readings) and all(pos in _PRESENT for _lemma, pos in readings)
