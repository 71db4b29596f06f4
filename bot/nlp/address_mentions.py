"""Whether a message says where the resident lives, and what that means for the dialogue.

Tested without Rasa; `AddressGuard` applies the decision to the NLU result. A street or
neighbourhood of Kraków counts when it is said as an address (a house number, "ul.", "os.", "na",
"w", "z" before it, a word like "mieszkam" or "filia", or little else in the message), so that
"pani Józefa mi pomagała" does not start a branch search for ul. Józefa.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.address import AddressResolver, ParsedAddress, Resolution
from bot.address.index import is_common
from bot.address.matching import ANSWER_WORDS, CONTEXT_WORDS, NUMBER_WORDS, read_house_number
from bot.address.normalise import PREFIXES, Token, tokenise
from bot.address.places import lives_in_krakow
from bot.branches import BranchCatalogue
from bot.polish.morfeusz import default_analyser
from bot.polish.text import fold_diacritics, word_set

ADDRESS_INTENT = "inform_address"
OUTSIDE_INTENT = "outside_krakow"
DISTRICT_INTENT = "inform_district"
# Not the intent guessed: a resident who says they live in Kraków is not from another gmina.
NOT_OUTSIDE = ""
# These start the branch search themselves, and the search reads the address from the message.
BRANCH_INTENTS = frozenset({"find_branch", "ask_join_pora"})
# Lemmas (folded) that make a named place the resident's place ("wynajmuję pokój na Zabłociu",
# "przeprowadziłam się na Azory").
_LIVING_LEMMAS = word_set(
    "mieszkac zamieszkac zamieszkiwac zamieszkaly mieszkanie zameldowac zameldowany meldunek"
    " pochodzic nalezec wynajmowac wynajac najmowac podnajmowac przeprowadzic przeprowadzac"
)
# Words that ask where one belongs ("jaka filia dla Kurdwanowa"); "mopsu" is how people decline
# MOPS, unknown to the dictionary; "dz" is how the tokeniser writes "dzielnica" in any form.
_BELONGING_LEMMAS = word_set(
    "adres dzielnica dz osiedle rejon okolica filia mops mopsu mopsie osrodek"
)
# Words that ask where to go: with a place that opens the message ("Skotniki, gdzie trzeba iść"),
# the place is where the resident lives.
# "najbliższa" is a form of "bliski" to the dictionary, hence the forms.
_WHERE_LEMMAS = word_set(
    "podlegac zglosic zglaszac najblizej najblizszy najblizsza najblizsze najblizszej isc pojsc"
    " udac udawac zwrocic zwracac przyjsc pojechac"
)
# "jestem z Bieżanowa": being from a place is living there.
_BEING_WORDS = word_set("jestem jestesmy")
_FROM_WORDS = word_set("z ze")
_SHORT_MESSAGE_WORDS = 3
# A whole name, its alias or a typo of it (bot/address/matching.py); part of a name is weaker.
SURE_PLACE = 0.9
# A misspelt name said alone ("kurdwanuw") is the place all the same: the search asks to confirm it.
SURE_ALONE = 0.75
Office = tuple[str, str | None]  # street as the gazetteer names it, house number
# A classifier this sure of an intent that is not about places keeps it against a weak sign.
CONFIDENT = 0.7
ADDRESS_LIKE = frozenset({"inform_address", "inform_district", "outside_krakow", "nlu_fallback"})
# FallbackClassifier's threshold in config.yml: below it a guess of a district is not understood.
UNDERSTOOD = 0.5


@dataclass(frozen=True)
class AddressMention:
    """The intent the message has for the dialogue, with the address as NLU entities."""

    intent: str
    entities: list[dict[str, Any]]


def find_mention(
    text: str,
    intent: Mapping[str, Any],
    resolver: AddressResolver,
    offices: frozenset[Office] = frozenset(),
) -> AddressMention | None:
    """The address the message says the resident lives at, if it says one.

    A place named only after a preposition ("godziny otwarcia na Józefińskiej") does not outweigh
    a classifier that is sure the message asks something else, and MOPS's own offices
    (`offices`) are an address only with a word like "mieszkam".
    """
    name = intent.get("name")
    if not text.strip() or text.startswith("/"):
        return None
    if name == DISTRICT_INTENT and intent.get("confidence", 0.0) >= UNDERSTOOD:
        return None  # a district named as one ("to jest dzielnica Krowodrza") stays one
    # An unsure one ("Dębniki", split between a district and an address) is read as a place, as
    # the same name without Polish letters is: the branch search finds it either way.
    if name in BRANCH_INTENTS:
        return _unsure_branch_question(text, intent, resolver)
    if name == OUTSIDE_INTENT and lives_in_krakow(tokenise(text)):
        # "ja z Ukrainy, mieszkam w Krakowie" is no other gmina, and a Kraków address said with it
        # ("mama mieszka w Krakowie na Łagiewnikach") is read as any other.
        mention = find_mention(text, {}, resolver, offices)
        if mention and mention.intent == ADDRESS_INTENT:
            return mention
        return AddressMention(NOT_OUTSIDE, [])
    result = resolver.resolve(text)
    if result.status == "outside":
        return AddressMention(OUTSIDE_INTENT, [])
    tokens = tokenise(text)
    if result.status == "unknown":
        # "mieszkam na ulicy Nieistniejącej 5": an address all the same; the search says it does
        # not know the street and offers the districts.
        return _street_and_number(text, tokens)
    living = says(tokens, _LIVING_LEMMAS)
    sure = SURE_ALONE if only_the_place(tokens, result.parsed) else SURE_PLACE
    if not living and max(c.confidence for c in result.candidates) < sure:
        return None  # only part of a name ("wolę" of "Wola Duchacka")
    short = sum(t.is_word for t in tokens) <= _SHORT_MESSAGE_WORDS  # an answer: "Rzeźnicza"
    if not living and not short and name != OUTSIDE_INTENT and _names_an_office(result, offices):
        return None  # "filia na Rzeźniczej, jaki telefon?" asks about the office
    sure_otherwise = intent.get("confidence", 0.0) >= CONFIDENT and name not in ADDRESS_LIKE
    if not said_as_address(tokens, result.parsed) and (
        sure_otherwise or not placed_by_preposition(tokens, result.parsed)
    ):
        return None
    return AddressMention(ADDRESS_INTENT, _entities(text, result.parsed))


def _unsure_branch_question(
    text: str, intent: Mapping[str, Any], resolver: AddressResolver
) -> AddressMention | None:
    """A question for the branch that names a place is one, however unsure the classifier.

    The branch search reads the address from the message itself; without this, a guess below the
    fallback threshold would end in the clarification question instead.
    """
    if intent.get("confidence", 0.0) >= CONFIDENT or resolver.resolve(text).status == "unknown":
        return None
    return AddressMention(str(intent.get("name")), [])


def office_addresses(resolver: AddressResolver, catalogue: BranchCatalogue) -> frozenset[Office]:
    """The information point and the known branches, as (street, house number) of the gazetteer."""
    offices = [catalogue.information_point, *catalogue.branches]
    resolved = [resolver.resolve(office.address) for office in offices]
    return frozenset((c.name, r.parsed.house_number) for r in resolved for c in r.candidates)


def _names_an_office(result: Resolution, offices: frozenset[Office]) -> bool:
    """The street of an office, with that office's number or none ("na Rzeźniczej")."""
    number = result.parsed.house_number
    return any(
        street == c.name and number in (None, office_number)
        for c in result.candidates
        for street, office_number in offices
    )


def said_as_address(tokens: list[Token], parsed: ParsedAddress) -> bool:
    """A house number, "ul."/"os.", a word like "mieszkam" or "filia", or little but the place."""
    if parsed.house_number or parsed.postcode or any(t.key in PREFIXES for t in tokens):
        return True
    words = [t for t in tokens if t.is_word]
    if len(words) <= _SHORT_MESSAGE_WORDS or says(tokens, _LIVING_LEMMAS | _BELONGING_LEMMAS):
        return True
    if is_from(words, parsed) or only_the_place(words, parsed):
        return True
    return opens_the_message(words, parsed) and says(tokens, _WHERE_LEMMAS)


def is_from(words: list[Token], parsed: ParsedAddress) -> bool:
    """ "jestem z Bieżanowa", "z Bieżanowa jestem": not "jestem kolejarzem z Nowej Huty"."""
    named = _first_words(parsed)
    keys = [t.key for t in words]
    for i in range(len(keys) - 1):
        if keys[i] in _FROM_WORDS and keys[i + 1] in named:
            before = keys[i - 1] if i else ""
            after = next((k for k in keys[i + 2 :] if k not in named), "")
            if before in _BEING_WORDS or after in _BEING_WORDS:
                return True
    return False


def only_the_place(words: list[Token], parsed: ParsedAddress) -> bool:
    """ "to od strony Grzegórzek": the place and only words that surround an answer."""
    named = {
        fold_diacritics(word)
        for name in (parsed.street, parsed.neighbourhood)
        if name
        for word in name.lower().split()
    }
    return all(t.key in named or t.key in ANSWER_WORDS for t in words)


def opens_the_message(words: list[Token], parsed: ParsedAddress) -> bool:
    """ "Złocień, te nowe bloki…": the place is the message's first word."""
    return bool(words) and words[0].key in _first_words(parsed)


def _first_words(parsed: ParsedAddress) -> set[str]:
    """The first word of the street and neighbourhood named, folded as tokens are."""
    return {
        fold_diacritics(name.split()[0].lower())
        for name in (parsed.street, parsed.neighbourhood)
        if name
    }


def says(tokens: list[Token], lemmas: frozenset[str]) -> bool:
    """Whether one of these (folded) lemmas, or a word as written, is among the message's words."""
    analyser = default_analyser()
    return any(
        t.key in lemmas or fold_diacritics(analyser.lemma_pos(t.key)[0]) in lemmas
        for t in tokens
        if t.is_word
    )


def placed_by_preposition(tokens: list[Token], parsed: ParsedAddress) -> bool:
    """ "na Kurdwanowie", "z Bieżanowa": a weaker sign, on its own, that the place is home."""
    named = _first_words(parsed)
    return any(
        previous.key in CONTEXT_WORDS and token.key in named
        for previous, token in zip(tokens, tokens[1:], strict=False)
    )


_MAX_NAME_WORDS = 2


def _street_and_number(text: str, tokens: list[Token]) -> AddressMention | None:
    """ "ul." or "os." (in any form), a name and a house number, for a street nobody knows.

    Only where the message says the resident lives there, or says nothing else ("ul. Zmyślona
    12"); and not "na ulicy od 5 lat": the name is no preposition and not only everyday words.
    """
    for i, token in enumerate(tokens):
        if token.key not in PREFIXES:
            continue
        for end in range(i + 2, min(i + 2 + _MAX_NAME_WORDS, len(tokens) + 1)):
            name = tokens[i + 1 : end]
            number = read_house_number(tokens, end)
            if number is None:
                continue
            if any(not t.is_word or t.key in CONTEXT_WORDS for t in name) or all(
                is_common(t.key) for t in name
            ):
                return None
            rest = [t for t in tokens[:i] + tokens[end:] if t.is_word]
            if not says(tokens, _LIVING_LEMMAS) and any(
                t.key not in ANSWER_WORDS | NUMBER_WORDS for t in rest
            ):
                return None
            street = " ".join(t.surface for t in name)
            parsed = ParsedAddress(street, number.house, number.flat, None, None, text)
            return AddressMention(ADDRESS_INTENT, _entities(text, parsed))
    return None


def _entities(text: str, parsed: ParsedAddress) -> list[dict[str, Any]]:
    entities = []
    lowered = text.lower()
    for name, value in (
        ("street", parsed.street),
        ("house_number", parsed.house_number),
        ("neighbourhood", parsed.neighbourhood),
    ):
        if value:
            start = max(lowered.find(value.lower()), 0)
            entities.append(
                {"entity": name, "value": value, "start": start, "end": start + len(value)}
            )
    return entities
