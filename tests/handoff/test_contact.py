"""Reading a call-back phone number or e-mail address from what the resident typed."""

from __future__ import annotations

import dataclasses

import pytest

from bot.handoff.contact import (
    EMAIL_HINT,
    EMPTY_HINT,
    PHONE_HINT,
    Contact,
    ContactError,
    contact_already_given,
    contact_in,
    looks_like_a_contact,
    parse_contact,
    says_no_contact,
)
from bot.storage.models import ContactKind


@pytest.mark.parametrize(
    "text",
    [
        "600100200",
        "600 100 200",
        "600-100-200",
        "600.100.200",
        "+48 600 100 200",
        "+48600100200",
        "0048 600 100 200",
        "48 600 100 200",
        "+48 (600) 100-200",
        "(+48) 600 100 200",
        "  600 100 200  ",
        "6001 00200",
    ],
)
def test_polish_mobile_formats(text: str) -> None:
    assert parse_contact(text) == Contact(ContactKind.phone, "+48 600 100 200")


def test_landline_is_normalised_the_same_way() -> None:
    assert parse_contact("(12) 616 54 20").value == "+48 126 165 420"
    assert parse_contact("12 616-54-20").value == "+48 126 165 420"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("+49 30 1234567", "+49301234567"),
        ("0049 30 1234567", "+49301234567"),
        ("+1 (555) 123-4567", "+15551234567"),
        ("+380 44 123 45 67", "+380441234567"),
        ("+44 7911 123456", "+447911123456"),
    ],
)
def test_foreign_numbers(text: str, value: str) -> None:
    assert parse_contact(text) == Contact(ContactKind.phone, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("jan.kowalski@example.pl", "jan.kowalski@example.pl"),
        ("Jan.Kowalski@Example.PL", "Jan.Kowalski@example.pl"),  # only the domain is lower-cased
        ("anna+mops@poczta.onet.pl", "anna+mops@poczta.onet.pl"),
        ("a_b-c@sub.domain-x.com.pl", "a_b-c@sub.domain-x.com.pl"),
        ("  ewa@WP.PL  ", "ewa@wp.pl"),
        ("600100200@gazeta.pl", "600100200@gazeta.pl"),
    ],
)
def test_email_formats(text: str, value: str) -> None:
    assert parse_contact(text) == Contact(ContactKind.email, value)


@pytest.mark.parametrize(
    ("text", "contact"),
    [
        ("mój numer to 600 100 200", Contact(ContactKind.phone, "+48 600 100 200")),
        (
            "Proszę dzwonić: 600-100-200, najlepiej po 16.",
            Contact(ContactKind.phone, "+48 600 100 200"),
        ),
        ("tel. +48 600 100 200.", Contact(ContactKind.phone, "+48 600 100 200")),
        ("Mój mail to Jan@Example.pl.", Contact(ContactKind.email, "Jan@example.pl")),
        ("proszę pisać na <ewa@wp.pl>, dziękuję", Contact(ContactKind.email, "ewa@wp.pl")),
        # The first contact wins.
        ("600 100 200 albo ewa@wp.pl", Contact(ContactKind.phone, "+48 600 100 200")),
        ("ewa@wp.pl albo 600 100 200", Contact(ContactKind.email, "ewa@wp.pl")),
        # Numbers that are not phone numbers are passed over.
        (
            "mam 2 numery, ten jest dobry: 600 100 200",
            Contact(ContactKind.phone, "+48 600 100 200"),
        ),
        ("600 100 200\n601 200 300", Contact(ContactKind.phone, "+48 600 100 200")),
        ("numer:\u00a0600\u00a0100\u00a0200", Contact(ContactKind.phone, "+48 600 100 200")),
        ("zła@wp albo 600 100 200", Contact(ContactKind.phone, "+48 600 100 200")),
    ],
)
def test_contact_inside_a_sentence(text: str, contact: Contact) -> None:
    assert parse_contact(text) == contact


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", EMPTY_HINT),
        ("   ", EMPTY_HINT),
        ("abc", PHONE_HINT),
        ("nie mam telefonu", PHONE_HINT),
        ("600 100 20", PHONE_HINT),  # too few digits
        ("60010020", PHONE_HINT),
        ("600 100 zły@adres 200", EMAIL_HINT),  # the bad e-mail does not glue a phone together
        ("600 100 2000", PHONE_HINT),  # too many
        ("+48 600 100 2000", PHONE_HINT),
        ("+48 600 100 20", PHONE_HINT),
        ("+1234567", PHONE_HINT),  # 7 digits is too short even abroad
        ("+1234567890123456", PHONE_HINT),  # 16 is too long
        ("600 1OO 200", PHONE_HINT),  # letter O instead of zeros
        ("600100200abc", PHONE_HINT),
        ("abc600100200", PHONE_HINT),
        ("060 010 020", PHONE_HINT),  # Polish numbers never start with 0
        ("jan@@example.pl", EMAIL_HINT),  # two @
        ("jan@kowalski@example.pl", EMAIL_HINT),
        ("jan@example", EMAIL_HINT),  # no dot in the domain
        ("jan@.pl", EMAIL_HINT),
        ("@example.pl", EMAIL_HINT),
        ("jan@example.p", EMAIL_HINT),
        ("jan kowalski@ example.pl", EMAIL_HINT),  # spaces
        ("a" * 250 + "@example.pl", EMAIL_HINT),  # too long
    ],
)
def test_rejections(text: str, message: str) -> None:
    with pytest.raises(ContactError) as error:
        parse_contact(text)
    assert str(error.value) == message


def test_messages_are_polish_hints() -> None:
    assert PHONE_HINT == (
        "To nie wygląda na numer telefonu. Proszę podać 9 cyfr, np. 600 100 200, albo adres e-mail."
    )
    assert "e-mail" in EMAIL_HINT and "telefonu" in EMAIL_HINT
    assert issubclass(ContactError, ValueError)


def test_contact_is_frozen_and_prints_its_value() -> None:
    contact = parse_contact("600 100 200")
    assert contact.kind is ContactKind.phone
    assert contact.kind == "phone"  # ContactKind is a str enum, as the database stores it
    assert str(contact) == "+48 600 100 200"
    with pytest.raises(dataclasses.FrozenInstanceError):
        contact.value = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    "text", ["600-100-200", "(12) 616 54 20", "+44 20 7946 0958", "Jan.Kowalski@Example.PL"]
)
def test_a_normalised_contact_parses_to_itself(text: str) -> None:
    """The form keeps only the normalised value; the submit action parses it again."""
    contact = parse_contact(text)
    assert parse_contact(contact.value) == contact


@pytest.mark.parametrize(
    ("text", "none"),
    [
        ("nie mam telefonu ani maila", True),
        ("Nie mam ani komórki, ani e-maila", True),
        ("nie używam telefonu", True),
        ("nie mam", True),  # alone, as the contact question's hints suggest
        ("Nie mam.", True),
        ("nie mam pojęcia", False),
        ("600 100 200", False),
        ("nie mam teraz czasu", False),
    ],
)
def test_having_no_contact_is_understood(text: str, none: bool) -> None:
    assert says_no_contact(text) is none


def _events(*texts_and_loops: str) -> list[dict]:
    """User messages, with "<form>" where the handoff form started."""
    return [
        {"event": "active_loop", "name": "handoff_form"}
        if item == "<form>"
        else {"event": "user", "text": item}
        for item in texts_and_loops
    ]


def test_a_contact_written_with_the_request_is_not_asked_again() -> None:
    events = _events("chcę rozmawiać z pracownikiem, tel. 600 100 200", "<form>", "tak")
    assert contact_already_given(events, "handoff_form") == "+48 600 100 200"


def test_only_what_was_written_since_the_request_counts() -> None:
    earlier = _events("jan@example.com", "co to cogito", "chcę rozmawiać z pracownikiem", "<form>")
    assert contact_already_given(earlier, "handoff_form") is None
    assert contact_already_given(_events("600 100 200"), "handoff_form") is None  # no form yet


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("dziękuję", False),
        ("ok", False),
        ("nie pamiętam", False),
        ("600 100", True),  # digits: a number, mistyped
        ("jan@example", True),
        ("mój numer 600 100 20", True),
    ],
)
def test_a_text_without_digits_or_at_sign_was_not_meant_as_a_contact(
    text: str, meant: bool
) -> None:
    assert looks_like_a_contact(text) is meant


def test_contact_in_gives_the_normalised_contact_or_nothing() -> None:
    assert contact_in("mój telefon do kontaktu to 600-100-200") == "+48 600 100 200"
    assert contact_in("dziękuję") is None
