"""The resident's phone number or e-mail address for a call back, found in what they typed.

Residents answer in a sentence ("mój numer to 600 100 200") and in many formats; staff need one
normalised form to call or write back, and the resident needs a short Polish hint when it fails.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.polish.text import fold_diacritics
from bot.storage.models import ContactKind

PHONE_HINT = (
    "To nie wygląda na numer telefonu. Proszę podać 9 cyfr, np. 600 100 200, albo adres e-mail."
)
EMAIL_HINT = (
    "To nie wygląda na adres e-mail. Proszę podać go w postaci np. jan.kowalski@example.pl "
    "albo podać numer telefonu."
)
EMPTY_HINT = "Proszę podać numer telefonu (np. 600 100 200) albo adres e-mail."

MAX_EMAIL = 254

# A token around an "@": anything up to whitespace or typical sentence delimiters. A second "@"
# stays inside the token so that "a@b@c.pl" is rejected rather than cut.
# The look-behind starts a token only after a delimiter, which keeps the scan linear.
_EMAIL_TOKEN = re.compile(r"(?<![^\s<>(),;:\"'\[\]])[^\s@<>(),;:\"'\[\]]+@[^\s<>(),;:\"'\[\]]+")
_EMAIL_LOCAL = re.compile(r"^[\w.!#$%&'*+/=?^`{|}~-]{1,64}$")
_DOMAIN_LABEL = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")
# A run of digits with the separators people type, not glued to letters ("600100200abc"): the
# \w guards also stop backtracking into a shorter run inside a longer one.
# A line break ends a run: two numbers on two lines are two numbers.
_PHONE_RUN = re.compile(r"(?<![\w+])(?:\+|\()?\d(?:[\d().\-]|[^\S\r\n])*\d(?!\w)")


# "nie mam telefonu", "nie mam ani maila ani komórki": said instead of a contact.
# "nie mam" alone answers the contact question the way its hints suggest.
_NO_CONTACT = re.compile(
    r"\bnie\s+(mam|posiadam|uzywam)\b.*\b(telefon|tel|mail|e-mail|email|komork|numer)"
    r"|^\W*nie\s+(mam|posiadam)\W*$"
)


def says_no_contact(text: str) -> bool:
    """Whether the resident says they have no phone or e-mail to leave."""
    return bool(_NO_CONTACT.search(fold_diacritics(text.lower())))


class ContactError(ValueError):
    """The text holds no usable contact; the message is Polish, ready for the resident."""


@dataclass(frozen=True)
class Contact:
    """A normalised contact: "+48 600 100 200", "+4930123456" or "jan@example.pl"."""

    kind: ContactKind
    value: str

    def __str__(self) -> str:
        return self.value


def parse_contact(text: str) -> Contact:
    """The first e-mail address or phone number in `text`, normalised; ContactError otherwise."""
    text = (text or "").strip()
    if not text:
        raise ContactError(EMPTY_HINT)

    found: list[tuple[int, Contact]] = []
    masked = text
    for match in _EMAIL_TOKEN.finditer(text):
        # Blot e-mail tokens out so their digits are not read as a phone number; "#" also keeps
        # the digits on either side from joining into one run.
        masked = masked[: match.start()] + "#" * len(match.group()) + masked[match.end() :]
        email = _email(match.group())
        if email is not None:
            found.append((match.start(), Contact(ContactKind.email, email)))
            break
    for match in _PHONE_RUN.finditer(masked):
        phone = _phone(match.group())
        if phone is not None:
            found.append((match.start(), Contact(ContactKind.phone, phone)))
            break
    if found:
        return min(found, key=lambda item: item[0])[1]
    raise ContactError(EMAIL_HINT if "@" in text else PHONE_HINT)


def _email(token: str) -> str | None:
    token = token.strip(".,!?")
    if len(token) > MAX_EMAIL or token.count("@") != 1:
        return None
    local, domain = token.split("@")
    if not _EMAIL_LOCAL.match(local) or local.startswith(".") or local.endswith("."):
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        return None
    if len(labels[-1]) < 2 or labels[-1].isdigit():
        return None
    return f"{local}@{domain.lower()}"


def _phone(run: str) -> str | None:
    digits = re.sub(r"\D", "", run)
    international = run.startswith("+")
    if not international and digits.startswith("00"):
        digits, international = digits[2:], True
    if international or (len(digits) == 11 and digits.startswith("48")):
        if digits.startswith("48"):
            national = digits[2:]
        elif international and 8 <= len(digits) <= 15 and not digits.startswith("0"):
            return f"+{digits}"
        else:
            return None
    else:
        national = digits
    if len(national) != 9 or national.startswith("0"):
        return None
    return f"+48 {national[:3]} {national[3:6]} {national[6:]}"


def contact_in(text: str) -> str | None:
    """The normalised contact in `text`, if it holds one."""
    try:
        return parse_contact(text).value
    except ContactError:
        return None


def looks_like_a_contact(text: str) -> bool:
    """Whether a text that holds no usable contact was still meant as one (digits or an "@"),
    so that a hint on the format helps; "dziękuję" or "ok" needs another answer."""
    return "@" in text or any(c.isdigit() for c in text)


def contact_already_given(events: Sequence[Mapping[str, Any]], form: str) -> str | None:
    """A phone or e-mail written since the resident asked for a person ("proszę, żeby ktoś
    oddzwonił, 600 100 200"): the form does not ask for it again. The latest one counts."""
    started = max(
        (
            i
            for i, e in enumerate(events)
            if e.get("event") == "active_loop" and e.get("name") == form
        ),
        default=None,
    )
    if started is None:
        return None
    asked = max((i for i in range(started) if events[i].get("event") == "user"), default=started)
    for event in reversed(events[asked:]):
        contact = contact_in(str(event.get("text") or "")) if event.get("event") == "user" else None
        if contact:
            return contact
    return None
