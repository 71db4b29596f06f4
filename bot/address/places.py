"""Towns and villages outside Kraków, from the geographical names in Morfeusz's SGJP dictionary.

The gazetteer lists only a few places near Kraków; residents write from anywhere ("jestem
z Tarnowa", "mieszkam w Proszowicach"). SGJP tags every Polish town and village as
`nazwa_geograficzna`, so a geographical name after a word that says "living there" (w, z, pod,
gmina…) names a place outside Kraków once the gazetteer has found nothing in Kraków.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale

from bot.address.morphology import morfeusz
from bot.address.normalise import Token
from bot.polish.morfeusz import MorfeuszAnalyser, default_analyser
from bot.polish.text import fold_diacritics, word_set

# Words before a place that say the resident lives or comes from there.
_LOCALITY_WORDS = word_set(
    "w we z ze pod spod kolo niedaleko okolice okolicy okolicach gmina gminie gminy gm powiat"
    " powiecie miejscowosc miejscowosci wies wsi wioska wiosce wioski wioske osada"
)

_ADJECTIVES = {"adj", "ppas"}


def _territories() -> str:
    """The Polish names of the world's countries and continents (CLDR, through Babel), word by
    word: a family "w Anglii" or a film about "głód w Afryce" names no gmina of residence. The
    adjectives of longer names ("Nowa" Zelandia) stay out: "w Nowym Wiśniczu" is a town."""
    analyser = default_analyser()
    words = []
    for name in Locale("pl").territories.values():
        parts = re.findall(r"[^\W\d_]+", name.lower())
        words += [w for w in parts if len(parts) == 1 or not _ADJECTIVES & _tags(analyser, w)]
    return fold_diacritics(" ".join(words))


def _tags(analyser: MorfeuszAnalyser, word: str) -> set[str]:
    return {pos for _lemma, pos in analyser.plausible(word)}


# Geographical names that are not a municipality of residence: Kraków itself, countries,
# continents and regions (a resident "z Ukrainy" may well live in Kraków), the European Union
# ("pieniądze z Unii"), rivers and mountains.
_NOT_A_MUNICIPALITY = word_set(
    "krakow malopolska malopolskie slask wisla tatry beskidy gory unia szczescie"  # "Szczęść Boże"
    " anglia szkocja"  # parts of a country CLDR names as a whole ("Wielka Brytania")
    # cities abroad that people living in Kraków fled or came from ("ja z Charkowa, szukam
    # pracy w Krakowie"): where they come from, not the gmina they live in
    " kijow charkow lwow odessa zaporoze dniepr tarnopol zytomierz czernihow poltawa donieck"
    " lugansk czerniowce uzhorod wilno grodno homel witebsk moskwa kiszyniow tbilisi"
    f" {_territories()}"
)
_PROPER = {"nazwa_geograficzna"}
_LIVING_VERBS = frozenset({"mieszkać", "zamieszkać", "zamieszkiwać", "zamieszkały"})
# Words before a town that say it is where one works, studies or was born, not one's home.
_NOT_HOME_WORDS = frozenset({"pracować", "praca", "studiować", "studia", "urodzić"})
_PAST = "praet"
# A message this short that starts with a town is about that town ("Balice koło lotniska").
_HEADING_WORDS = 3
_COMMON_TAGS = {"adj", "adja", "adjp", "adv", "fin", "inf", "praet", "impt", "prep", "conj", "qub"}
# A verb form is never a place, capitalised or not: "Wolę nie mówić" names no village Wola.
_VERB_TAGS = {"fin", "inf", "praet", "impt"}


@lru_cache(maxsize=20_000)
def _geographic_lemma(word: str, capitalised: bool) -> str | None:
    """The town a word names, if SGJP knows it as one and the word is not an everyday word too.

    "Nowej" is also an adjective and "zielonkach" a plant: such words count only when typed
    with a capital letter. SGJP knows some names only capitalised ("Limanowej").
    """
    lemma, everyday, verb = None, False, False
    analyses = morfeusz().analyse(word)
    if word.isascii() and all(tag == "ign" for *_s, (_o, _b, tag, _n, _q) in analyses):
        restored = default_analyser().lemma_pos(word.lower())[0]  # "rzeszow" → "Rzeszów"
        analyses = morfeusz().analyse(restored) if restored[:1].isupper() else analyses
    for _start, _end, (_orth, base, tag, names, _quals) in analyses:
        if _PROPER & set(names):
            lemma = lemma or base.split(":")[0]
        elif tag.split(":")[0] in _COMMON_TAGS or "nazwa_pospolita" in names:
            everyday = True
            verb = verb or tag.split(":")[0] in _VERB_TAGS
    if lemma is not None and not capitalised and word.isascii():
        # "w glowie mam tylko jedno": typed without Polish letters, "głowie", not the village Glów
        everyday = everyday or default_analyser().common_with_diacritics(word)
    if lemma is None or verb or (everyday and not capitalised):
        return None
    return lemma


def lives_in_krakow(tokens: list[Token]) -> bool:
    """ "mieszkam w Krakowie" outweighs a town named elsewhere; "pracuję w Krakowie" does not."""
    for i in range(2, len(tokens)):
        if tokens[i - 1].key not in ("w", "we"):
            continue
        if _geographic_lemma(tokens[i].surface.lower(), False) != "Kraków":
            continue
        if said_to_live_at(tokens, i):
            return True
    return False


def said_to_live_at(tokens: list[Token], start: int) -> bool:
    """Whether a word like "mieszka" stands right before the place at token `start` ("mama
    mieszka sama na Kurdwanowie"), whoever it is said of."""
    analyser = default_analyser()
    before = tokens[max(0, start - 4) : start]
    return any(analyser.lemma_pos(t.key)[0] in _LIVING_VERBS for t in before)


def not_home(tokens: list[Token], start: int) -> bool:
    """Whether the words right before the place at token `start` say it is not where one lives
    now: "pracuję w Warszawie", "urodziłam się w Tarnowie", "długo mieszkałam w Bochni"."""
    analyser = default_analyser()
    for token in tokens[max(0, start - 3) : start]:
        lemma, pos = analyser.lemma_pos(token.key)
        if lemma in _NOT_HOME_WORDS or (lemma in _LIVING_VERBS and pos == _PAST):
            return True
    return False


def outside_place(tokens: list[Token], text: str = "") -> str | None:
    """The first town outside Kraków that the message says the resident lives in or comes from.

    Said with "w", "z", "pod"… before it, or heading the message as an address does ("Brzesko,
    Głowackiego 15", "Balice koło lotniska").
    """
    if lives_in_krakow(tokens):
        return None
    words = [t for t in tokens if t.is_word]
    short = len(words) <= _HEADING_WORDS
    heads = bool(words) and (short or text[words[0].end :].startswith(","))
    candidates = [
        t
        for i, (p, t) in enumerate(zip(tokens, tokens[1:], strict=False))
        if p.key in _LOCALITY_WORDS and not not_home(tokens, i + 1)
    ]
    for token in ([words[0]] if heads else []) + candidates:
        if not token.is_word or len(token.key) < 3:
            continue
        # The first word is capitalised as any sentence is: "Sąsiadka, pani po 90…" names no
        # village, unless the message is as short as an address ("Zielonki koło Krakowa").
        capitalised = token.surface[:1].isupper() and (short or token is not words[0])
        lemma = _geographic_lemma(token.surface, capitalised)
        if lemma and fold_diacritics(lemma.lower()) not in _NOT_A_MUNICIPALITY:
            return lemma
    return None
