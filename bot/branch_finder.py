"""The branch finder's dialogue decisions, tested without Rasa.

The Rasa form `branch_form` asks for a district and its confirmation. These functions decide what
a resident's message means for the form (slot updates) and what the assistant asks or answers
next (a response name, its variables and buttons); the actions only pass them through.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.address import AddressResolver
from bot.address.districts import DISTRICTS
from bot.branches import Branch, BranchCatalogue
from bot.messages import Reply
from bot.polish.text import fold_diacritics, word_set

# Messages that may carry an address while the form is open; anything else (a question, a crisis,
# a refusal) is left to the rules, and the form resumes after them.
ADDRESS_INTENTS = {
    "inform_address",
    "inform_district",
    "find_branch",
    "ask_join_pora",
    "nlu_fallback",
}
FALLBACK_INTENT = "nlu_fallback"
# Words that open a question rather than an address ("a kto o tym decyduje?"), after "a", "i"…
_QUESTION_OPENERS = word_set(
    "kto co czy jak jaki jaka jakie jakich ile kiedy dlaczego czemu po skad skąd ktory który"
    " ktora która ktore które czym kogo komu gdzie"
)
_LEADING = word_set("a i ale no to")
_QUESTION_MIN_WORDS = 3
ADDRESS_ENTITIES = ("street", "house_number", "neighbourhood")
# Slots that describe one search; cleared once the branch is named or the search is dropped.
SEARCH_SLOTS = (
    "district",
    "district_label",
    "district_confirmed",
    "address_status",
    "address_street",
    "address_options",
    "address_more",
)

# The search state after a resident said no to the district because the search is no longer
# wanted: the form ends and the assistant asks what else it can do.
LEFT = "left"
REQUESTED_SLOT = "requested_slot"  # Rasa's form slot: None ends the form
# A "no" to "Czy chodzi o Dzielnicę XIII Podgórze?" that leaves rather than corrects ("nie chcę
# już", "już nie trzeba", "rezygnuję"); a plain "nie" means another district.
_NO_LONGER_WANTED = re.compile(
    r"\b(?:nie\s+chce|nie\s+trzeba|juz\s+nie|nie\s+potrzebuje|rezygnuje|nie\s+szukam"
    r"|nie\s+interesuje)\b"
)


def district_label(roman: str) -> str:
    """ "XIII Podgórze": the responses put "Dzielnica" before it in the right case."""
    return f"{roman} {DISTRICTS[roman]}"


def district_button(roman: str) -> dict[str, str]:
    payload = "/inform_district" + json.dumps({"district": roman})
    return {"title": district_label(roman), "payload": payload}


def _entity(entities: Sequence[Mapping[str, Any]], name: str) -> str | None:
    return next((str(e["value"]) for e in entities if e.get("entity") == name), None)


def _search_state(**slots: Any) -> dict[str, Any]:
    """Every search slot, set explicitly: what is not given is cleared."""
    return dict.fromkeys(SEARCH_SLOTS) | slots


def pending_district(slots: Mapping[str, Any]) -> str | None:
    """The district awaiting the resident's confirmation, if the form asks for it now.

    Read from its label: by the time the answer is validated, the `district` slot already holds
    the answer's text.
    """
    if slots.get("requested_slot") != "district_confirmed":
        return None
    label = str(slots.get("district_label") or "")
    return district_numeral(label.split(" ", 1)[0]) if label else None


def district_numeral(value: str | None) -> str | None:
    """The roman numeral of a district entity: "XII" as it is, "12" (typed digits) converted.

    Digits are not entity synonyms: Rasa's synonym mapper would turn every "5" of a house number
    into "V".
    """
    if value in DISTRICTS:
        return value
    numerals = list(DISTRICTS)
    if value and value.isdigit() and 1 <= int(value) <= len(numerals):
        return numerals[int(value) - 1]
    return None


def concerns_address(
    intent: str | None,
    entities: Sequence[Mapping[str, Any]],
    asked: bool = True,
    text: str = "",
) -> bool:
    """Whether a message answers the address question; if not, the rules answer it instead.

    An unclear message counts (a misspelt street) only as the answer to the question, and not
    when it reads as a question of its own ("a kto go przydziela?"): "Nie rozpoznaję tego
    adresu" would leave that question unanswered. The message that starts the search ("a gdzie
    mam iść?" after an answer) is not an address either.
    """
    named = {e.get("entity") for e in entities}
    if named & {*ADDRESS_ENTITIES, "district"}:
        return True
    if intent == FALLBACK_INTENT:
        return asked and not reads_as_question(text)
    return intent in ADDRESS_INTENTS


def reads_as_question(text: str) -> bool:
    """A question word first, or a question mark after a few words ("Kurdwanów?" is an unsure
    answer), and no number (a house number makes it an address)."""
    if any(ch.isdigit() for ch in text):
        return False
    words = [w.strip(",.!:;") for w in text.lower().split()]
    words = [w for w in words if w]
    while words and words[0] in _LEADING:
        words = words[1:]
    if words and words[0] in _QUESTION_OPENERS:
        return True
    return "?" in text and len(words) >= _QUESTION_MIN_WORDS


def interpret(
    text: str,
    intent: str | None,
    entities: Sequence[Mapping[str, Any]],
    pending_street: str | None,
    resolver: AddressResolver,
    pending_district: str | None = None,
) -> dict[str, Any]:
    """The search state after a message that concerns the address.

    `pending_district` is the district awaiting confirmation: naming it again ("tak, Krowodrza")
    confirms it.
    """
    state = _interpret(text, intent, entities, pending_street, resolver)
    if pending_district and state.get("district") == pending_district:
        state["district_confirmed"] = True
    return state


def _interpret(
    text: str,
    intent: str | None,
    entities: Sequence[Mapping[str, Any]],
    pending_street: str | None,
    resolver: AddressResolver,
) -> dict[str, Any]:
    chosen = district_numeral(_entity(entities, "district"))
    if chosen:
        return _search_state(district=chosen, district_label=district_label(chosen))
    hints = {name: _entity(entities, name) for name in ADDRESS_ENTITIES}
    if pending_street and not hints["street"]:
        # The answer to "which number?" ("14", "os. Piastów") completes the street asked about.
        text = f"{pending_street} {text}"
        hints["street"] = pending_street
    result = resolver.resolve(text, **hints)
    if result.status == "resolved" and result.district:
        return _search_state(
            district=result.district, district_label=district_label(result.district)
        )
    if result.status == "needs_number":
        # With a number that the data cannot place, asking for the number again would loop.
        street = result.candidates[0]
        return _search_state(
            address_status="needs_part" if result.parsed.house_number else "needs_number",
            address_street=street.name,
            address_options=list(street.districts),
            address_more=street.more_districts,
        )
    if result.status == "choose":
        number = result.parsed.house_number or ""
        options = [f"{c.name} {number}".strip() for c in result.candidates[:5]]
        return _search_state(address_status="choose", address_options=options)
    if result.status == "outside":
        return _search_state(address_status="outside")
    if intent in ("find_branch", "ask_join_pora") and not any(hints.values()):
        return _search_state()  # "where is my branch?" carries no address: just ask for it
    return _search_state(address_status="unknown")


def confirm(confirmed: bool, text: str) -> dict[str, Any]:
    """The slot updates for the resident's yes or no to the district: a yes names the branch, a
    no starts over with another address, a no that leaves ends the search."""
    if confirmed:
        return {"district_confirmed": True}
    state = dict.fromkeys(SEARCH_SLOTS)
    if _NO_LONGER_WANTED.search(fold_diacritics(text.lower())):
        return state | {"address_status": LEFT, REQUESTED_SLOT: None}
    return state | {"address_status": "rejected"}


def closing(slots: Mapping[str, Any], catalogue: BranchCatalogue) -> Reply:
    """What the assistant says when the form ends: the branch, or after a resident who left,
    what else it can do."""
    if slots.get("address_status") == LEFT:
        return Reply("branch_search_left")
    return answer(slots.get("district") or "", catalogue)


def confirmation(slots: Mapping[str, Any]) -> Reply:
    return Reply("ask_district_confirmed", {"district_label": slots.get("district_label") or ""})


def question(slots: Mapping[str, Any]) -> Reply:
    """The next question for the district, tailored to why it is still unknown."""
    status = slots.get("address_status")
    options = slots.get("address_options") or []
    all_districts = [district_button(roman) for roman in DISTRICTS]
    if status in ("needs_number", "needs_part"):
        # "XII, XIII and more" (FACTS): name the known ones, offer every district.
        more = bool(slots.get("address_more"))
        names = ("m.in. " if more else "") + ", ".join(district_label(r) for r in options)
        buttons = all_districts if more else [district_button(r) for r in options]
        return Reply(
            f"address_{status}",
            {"street": slots.get("address_street") or "", "districts": names},
            buttons,
        )
    if status == "choose":
        return Reply("address_choose", buttons=[{"title": o, "payload": o} for o in options])
    if status == "unknown":
        return Reply("address_unknown", buttons=all_districts)
    if status == "outside":
        return Reply("address_outside")
    if status == "rejected":
        return Reply("address_rejected", buttons=all_districts)
    return Reply("ask_district")


def offer_districts() -> Reply:
    """For a resident who would rather not give an address: districts or the information point."""
    return Reply("offer_districts", buttons=[district_button(r) for r in DISTRICTS])


def contacts(catalogue: BranchCatalogue) -> Reply:
    """The information point and every branch whose address is known, each with its source."""
    point = catalogue.information_point
    branches = "\n".join(
        f"• {b.name}, {b.address}, tel. {', '.join(b.phones)} – dla Dzielnic "
        f"{' i '.join(b.districts)} ({b.source})"
        for b in catalogue.branches
    )
    return Reply(
        "contact_info",
        {
            "address": point.address,
            "phone": ", ".join(point.phones),
            "email": point.email or "",
            "branches": branches,
        },
    )


def branch_source_note(branch: Branch) -> str:
    return f"Źródło: {branch.source}. Przed wizytą warto zadzwonić i potwierdzić adres."


def answer(roman: str, catalogue: BranchCatalogue) -> Reply:
    """The branch for a confirmed district, or the information point where none is known."""
    branch = catalogue.for_district(roman)
    if branch is None:
        return Reply("branch_unknown", {"district_label": district_label(roman)})
    return Reply(
        "branch_found",
        {
            "district_label": district_label(roman),
            "branch_name": branch.name,
            "branch_address": branch.address,
            "branch_phone": ", ".join(branch.phones),
            "branch_source": branch_source_note(branch),
        },
    )
