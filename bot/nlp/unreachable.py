"""Someone who cannot be reached: a crisis told without any crisis word.

"Ojciec nie odbiera telefonu od czwartku, mieszka sam" or "mama nie odpowiada od 2 dni" asks for
someone to go to the door: 112 first (crisis_danger). No single phrase says it ("nie odbiera od
dwóch dni" also fits a branch office nobody answers), so the rule is on three things together:
a person of the writer's life is the one who does not answer, not an office; the silence has
lasted since yesterday or for days (or two signs together: not answering and not opening, a
phone switched off and nobody has seen them); and nothing explains it (a lost phone, a trip,
"okazało się"). Words are compared as the crisis lexicon compares them (PhraseLexicon.lemmas).
"""

from __future__ import annotations

from bot.nlp.phrases import Phrase, Readings, spans
from bot.polish.text import fold_diacritics

UNREACHABLE_CRISIS = "crisis_danger"


def _folded(words: str) -> frozenset[str]:
    """Space-separated words as the lexicon compares them (no Polish letters)."""
    return frozenset(fold_diacritics(word) for word in words.split())


# The people whose silence is alarming: family, neighbours, friends.
PEOPLE = _folded(
    "mama matka tata tato ojciec brat siostra babcia dziadek babka syn córka mąż żona dziecko "
    "ciocia ciotka wujek teściowa teść sąsiad sąsiadka przyjaciel przyjaciółka kolega "
    "koleżanka partner partnerka wnuk wnuczka senior seniorka podopieczny podopieczna"
)
# Who else may not answer: the office, whose silence is an ordinary question for the contacts.
OFFICE = _folded(
    "filia mops ośrodek pracownik pracownica urząd punkt infolinia numer biuro opieka "
    "administracja spółdzielnia przychodnia lekarz sekretariat"
)


def _sign(words: str) -> Phrase:
    """A sign's lemmas as PhraseLexicon compares them (no Polish letters)."""
    return tuple(fold_diacritics(word) for word in words.split())


# Not answering, not opening, not back, missing ("nie ma jej do tej pory").
SIGNS: tuple[Phrase, ...] = tuple(
    _sign(sign)
    for sign in (
        "nie odbierać",
        "nie odpowiadać",
        "nie otwierać",
        "nie wrócić",
        "nie wracać",
        "nikt nie widzieć",
        "nie dodzwonić",
        "telefon wyłączyć",
        "wyłączyć telefon",
        "zaginąć",
        "nie mieć jej ten pora",
        "nie mieć go ten pora",
    )
)
# "Nie mam kontaktu z mamą" also tells of a family that does not talk: it counts only beside
# another sign ("od wczoraj nie mam kontaktu z mamą, nie otwiera"), never with a time alone.
BESIDE_ANOTHER = _sign("nie mieć kontakt")
AFTER_REACH = 3  # words after the sign where the one silent may be named
# How long: since yesterday, since a weekday, for days (not an hour, which is ordinary).
SINCE = _folded(
    "wczoraj przedwczoraj rano noc wieczór dzień doba tydzień weekend poniedziałek wtorek "
    "środa czwartek piątek sobota niedziela"
)
SINCE_REACH = 6  # words between the sign and how long ("od piątku dzwonię do taty i nie odbiera")
# A silence with a reason given ("bo zgubiła telefon", "wyjechał do sanatorium", "okazało się, że
# była u córki").
EXPLAINED = _folded("zgubić zepsuć rozładować rozbić ukraść wyjechać sanatorium okazać")


def someone_unreachable(lemmas: list[Readings]) -> bool:
    """Whether the message tells of a person who has not answered for a day or more."""
    if any(EXPLAINED & readings for readings in lemmas):
        return False
    found = {
        sign: [span for span in spans(sign, lemmas) if _said_of_a_person(lemmas, span)]
        for sign in (*SIGNS, BESIDE_ANOTHER)
    }
    signs = sum(bool(sign_spans) for sign_spans in found.values())
    lasting = (span for sign in SIGNS for span in found[sign])
    return signs >= 2 or any(_lasting(lemmas, span) for span in lasting)


def _said_of_a_person(lemmas: list[Readings], span: set[int]) -> bool:
    """The nearest person or office named before the sign is a person; with none before, the
    first one right after it ("nie mogę się dodzwonić do wujka")."""
    before = reversed(lemmas[: min(span)])
    after = lemmas[max(span) + 1 : max(span) + 1 + AFTER_REACH]
    for readings in (*before, *after):
        if OFFICE & readings:
            return False
        if PEOPLE & readings:
            return True
    return False


def _lasting(lemmas: list[Readings], span: set[int]) -> bool:
    start, end = max(min(span) - SINCE_REACH, 0), max(span) + 1 + SINCE_REACH
    return any(SINCE & readings for readings in lemmas[start:end])
