"""The branch finder's decisions on real data: what a message means, what is asked, the answer."""

from __future__ import annotations

import pytest

from bot import branch_finder as bf
from bot.address import AddressResolver
from bot.address.districts import DISTRICTS
from bot.branches import BranchCatalogue
from bot.messages import Messages, Reply
from bot.paths import PROJECT_ROOT


@pytest.fixture(scope="module")
def resolver() -> AddressResolver:
    return AddressResolver.load()


@pytest.fixture(scope="module")
def messages() -> Messages:
    return Messages.load()


def interpret(resolver, text, intent="inform_address", entities=(), pending=None) -> dict:
    return bf.interpret(text, intent, list(entities), pending, resolver)


def shown(messages: Messages, reply: Reply) -> tuple[str, list[str]]:
    rendered = messages.render(reply)
    return rendered.text, [b["title"] for b in rendered.buttons]


def test_an_address_without_polish_letters_gives_the_district_to_confirm(resolver, messages):
    slots = interpret(resolver, "mieszkam na jozefinskiej 14")
    assert slots["district"] == "XIII" and slots["address_status"] is None
    text, buttons = shown(messages, bf.confirmation(slots))
    assert text == "Czy chodzi o Dzielnicę XIII Podgórze?" and buttons == ["Tak", "Nie"]


def test_an_address_entity_concerns_the_search_whatever_the_intent() -> None:
    assert bf.concerns_address("greet", [{"entity": "street", "value": "Lipowa"}])
    assert bf.concerns_address("inform_district", [])


def test_an_unclear_message_is_an_address_only_as_the_answer_to_the_question() -> None:
    assert bf.concerns_address("nlu_fallback", [], asked=True)  # a misspelt street
    assert not bf.concerns_address("nlu_fallback", [], asked=False)  # "a gdzie mam iść?"
    street = [{"entity": "street", "value": "Lipowa"}]
    assert bf.concerns_address("nlu_fallback", street, asked=False)


@pytest.mark.parametrize(
    "text",
    [
        "a kto o tym decyduje?",
        "Ile to wszystko potrwa",
        "i czemu pytacie mnie o ulicę?",
        "a gdzie w ogóle siedzi ta pani z opieki",
    ],
)
def test_an_unclear_question_in_place_of_the_address_is_answered_not_resolved(text: str) -> None:
    assert not bf.concerns_address("nlu_fallback", [], asked=True, text=text)


@pytest.mark.parametrize("text", ["Rzeznicza 5?", "Kurdwanów?", "wieliczkka 12", "os. zlocien"])
def test_an_unsure_or_misspelt_answer_is_still_the_address(text: str) -> None:
    assert bf.concerns_address("nlu_fallback", [], asked=True, text=text)


def test_every_outcome_sets_the_whole_search_state(resolver):
    for text in ["Lipowa 3", "Wielicka", "ul. Nieistniejąca 5", "Wieliczka 32-020"]:
        assert set(interpret(resolver, text)) == set(bf.SEARCH_SLOTS), text


def test_a_district_chosen_from_the_buttons(resolver):
    slots = interpret(
        resolver, "/inform_district", "inform_district", [{"entity": "district", "value": "IV"}]
    )
    assert slots["district"] == "IV" and slots["district_label"] == "IV Prądnik Biały"


def test_a_street_in_several_districts_asks_for_the_number_and_never_picks(resolver, messages):
    slots = interpret(resolver, "mieszkam przy Zakopiańskiej")
    assert slots.get("district") is None and slots["address_status"] == "needs_number"
    text, buttons = shown(messages, bf.question(slots))
    assert "Zakopiańska" in text and "numer domu" in text
    assert buttons == ["IX Łagiewniki-Borek Fałęcki", "X Swoszowice"]


def test_a_street_with_more_districts_than_known_offers_every_district(resolver, messages):
    slots = interpret(resolver, "Wielicka")
    text, buttons = shown(messages, bf.question(slots))
    assert "m.in. XII Bieżanów-Prokocim, XIII Podgórze" in text and len(buttons) == 18


def test_a_number_that_cannot_be_placed_asks_for_the_neighbourhood_not_the_number(
    resolver, messages
):
    slots = interpret(resolver, "100", "nlu_fallback", pending="Zakopiańska")
    assert slots["address_status"] == "needs_part"
    text, _ = shown(messages, bf.question(slots))
    assert "nazwę osiedla" in text and "numer domu" not in text


def test_the_neighbourhood_completes_the_street_asked_about(resolver):
    slots = interpret(resolver, "Prokocim", pending="Wielicka")
    assert slots["district"] == "XII"


def test_an_unknown_street_asks_for_the_neighbourhood_or_district(resolver, messages):
    slots = interpret(resolver, "ul. Nieistniejąca 5")
    assert slots["address_status"] == "unknown"
    text, buttons = shown(messages, bf.question(slots))
    assert "osiedla" in text and len(buttons) == 18


def test_a_postcode_outside_krakow_says_who_helps_there(resolver, messages):
    slots = interpret(resolver, "mieszkam w Wieliczce, 32-020")
    text, _ = shown(messages, bf.question(slots))
    assert slots["address_status"] == "outside" and "ośrodek pomocy społecznej" in text


@pytest.mark.parametrize(
    "intent",
    ["cogito", "crisis_violence", "deny"],
    ids=["a co to jest cogito?", "mąż mnie bije", "nie"],
)  # the id is what the resident wrote; only the intent and entities decide
def test_other_messages_are_left_to_the_rules(intent):
    assert not bf.concerns_address(intent, [])


def test_where_is_my_branch_without_an_address_just_asks(resolver, messages):
    slots = interpret(resolver, "gdzie jest moja filia?", "find_branch")
    assert set(slots) == set(bf.SEARCH_SLOTS) and not any(slots.values())
    text, buttons = shown(messages, bf.question(slots))
    assert "ulicę i numer" in text and buttons == ["Wolę nie podawać adresu"]


def test_a_known_branch_is_named_with_its_address_phone_and_source(messages):
    text, _ = shown(messages, bf.answer("II", BranchCatalogue.load()))
    assert "Filia nr 1" in text and "ul. Rzeźnicza 2" in text and "12 430-45-46" in text
    assert "ok. 2014" in text


def test_an_unknown_branch_gives_the_district_and_the_information_point(messages):
    text, _ = shown(messages, bf.answer("XIII", BranchCatalogue.load()))
    assert "XIII Podgórze" in text and "12 616 54 08" in text and "Filia" not in text


def test_refusing_the_address_offers_all_districts(messages):
    text, buttons = shown(messages, bf.offer_districts())
    assert "nie trzeba podawać adresu" in text and len(buttons) == len(DISTRICTS) == 18


def test_contacts_give_the_information_point_and_every_known_branch(messages):
    text, buttons = shown(messages, bf.contacts(BranchCatalogue.load()))
    assert "ul. Józefińska 14, 30-529 Kraków" in text and "tel. 12 616 54 08" in text
    assert "do@mops.krakow.pl" in text
    assert "• Filia nr 1, ul. Rzeźnicza 2, tel. 12 430-45-46 – dla Dzielnic II i III" in text
    assert "• Filia nr 2, ul. Radzikowskiego 37, tel. 12 636-77-98 – dla Dzielnic IV i VI" in text
    assert "ok. 2014" in text and buttons == ["Znajdź swoją filię", "Menu"]


def branch_finder_keys() -> set[str]:
    """Every message key the branch finder and the clarification can answer with."""
    statuses = [None, "needs_number", "needs_part", "choose", "unknown", "outside", "rejected"]
    keys = {bf.question({"address_status": s, "address_options": []}).key for s in statuses}
    keys |= {bf.confirmation({}).key, bf.offer_districts().key, "branch_found", "branch_unknown"}
    return keys | {"clarify", "fallback_contacts", bf.contacts(BranchCatalogue.load()).key}


def test_every_reply_the_branch_finder_can_give_has_a_message(messages):
    assert branch_finder_keys() <= messages.keys()


def test_every_message_is_used_by_the_code(messages):
    """No stale text in data/messages.yml: each key is the branch finder's or named in the code."""
    code = "\n".join(
        p.read_text("utf-8") for d in ("bot", "actions") for p in (PROJECT_ROOT / d).rglob("*.py")
    )
    named = {key for key in messages.keys() if f'"{key}"' in code}  # noqa: SIM118 (not a dict)
    assert sorted(messages.keys() - named - branch_finder_keys()) == []


@pytest.mark.parametrize(("typed", "numeral"), [("XII", "XII"), ("12", "XII"), ("5", "V")])
def test_a_district_typed_as_a_number_is_its_numeral(typed: str, numeral: str) -> None:
    assert bf.district_numeral(typed) == numeral


@pytest.mark.parametrize("typed", ["0", "19", "Witosa", None])
def test_no_district_from_what_is_not_one(typed) -> None:
    assert bf.district_numeral(typed) is None


def test_a_house_number_is_never_read_as_a_district(resolver) -> None:
    slots = interpret(resolver, "mieszkam na ulicy Witosa 5", entities=[])
    assert slots["district"] == "XI"


def test_naming_the_district_awaiting_confirmation_confirms_it(resolver) -> None:
    slots = bf.interpret("tak, Krowodrza", "inform_address", [], None, resolver, "V")
    assert slots["district"] == "V" and slots["district_confirmed"] is True


def test_naming_another_district_asks_again(resolver) -> None:
    slots = bf.interpret("nie, Bieżanów", "inform_address", [], None, resolver, "V")
    assert slots["district"] == "XII" and slots["district_confirmed"] is None


@pytest.mark.parametrize("text", ["nie", "nie, to nie ta dzielnica", "Nie."])
def test_a_no_to_the_district_starts_over(text: str) -> None:
    slots = bf.confirm(False, text)
    assert slots["address_status"] == "rejected" and bf.REQUESTED_SLOT not in slots


@pytest.mark.parametrize(
    "text", ["nie chcę", "nie chce juz, dziekuje", "już nie trzeba", "rezygnuję"]
)
def test_a_no_that_leaves_ends_the_search(text: str, messages: Messages) -> None:
    slots = bf.confirm(False, text)
    assert slots[bf.REQUESTED_SLOT] is None and slots["district"] is None
    said, buttons = shown(messages, bf.closing(slots, BranchCatalogue.load()))
    assert "nie szukam dalej" in said and "Menu" in buttons


def test_the_district_awaiting_confirmation_is_read_from_its_label() -> None:
    asking = {"requested_slot": "district_confirmed", "district_label": "V Krowodrza"}
    assert bf.pending_district(asking) == "V"
    assert bf.pending_district({**asking, "requested_slot": "district"}) is None
