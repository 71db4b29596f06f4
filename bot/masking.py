"""Masking personal data (RODO) in any text staff see: lists, transcripts, exports.

Masked: PESEL (checksum and birth date valid), Polish phone numbers (9 digits in the usual
groupings, optionally +48/0048), e-mail addresses, ID card numbers (3 letters + 6 digits, checksum
valid) and bank accounts (26 digits / PL IBAN, with or without spaces).

Public numbers are not personal data: MOPS's own phones and e-mails and the crisis lines, taken from
`data/branches.yml`, `data/messages.yml` and `domain.yml`, stay visible wherever they appear (also
in a resident's message, „dzwoniłem na 12 616 54 08”). Masking is applied to every speaker (the
bot echoes residents' data in confirmations; workers type them in replies), so one rule covers all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.paths import data_file, domain_file
from bot.staff_labels import staff_labels

PUBLIC_SOURCES = (data_file("branches.yml"), data_file("messages.yml"), domain_file())

LABELS = staff_labels("masking", ("email", "iban", "pesel", "id_card", "phone"))

_SEP = r"[ \u00a0-]?"  # one optional space, non-breaking space or hyphen between groups
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}(?![\w-])")
# 26 digits, optionally after "PL", in any grouping of single spaces (2+4x6 is the usual one).
IBAN = re.compile(r"(?<![\w])(?:PL[ \u00a0]?)?\d(?:[ \u00a0]?\d){25}(?!\d)", re.IGNORECASE)
PESEL = re.compile(r"(?<![\w])\d{6}[ \u00a0-]?\d{5}(?!\d)")
ID_CARD = re.compile(r"(?<![\w])([A-Za-z]{3})[ \u00a0-]?(\d{3}[ \u00a0]?\d{3})(?!\d)")
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)48[ \u00a0-]?|\(?48\)?[ \u00a0-])?"
    r"(?:\(?\d{2}\)?[ \u00a0-]?\d{3}" + _SEP + r"\d{2}" + _SEP + r"\d{2}"  # 12 616 54 08
    r"|\d{3}" + _SEP + r"\d{3}" + _SEP + r"\d{3}"  # 601 234 567, 601-234-567
    r"|\d{3}" + _SEP + r"\d{2}" + _SEP + r"\d{2}" + _SEP + r"\d{2}"  # 601 23 45 67
    r"|\d{3}" + _SEP + r"\d{2}" + _SEP + r"\d{4})"  # 800 70 2222
    r"(?![\d,.]\d|\d)"
)
PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
ID_WEIGHTS = (7, 3, 1, 9, 7, 3, 1, 7, 3)  # the 4th character is the check digit
CENTURY = {0: 1900, 20: 2000, 40: 2100, 60: 2200, 80: 1800}


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def valid_pesel(number: str) -> bool:
    """Checksum and a real birth date: 11-digit numbers that only look like a PESEL stay."""
    if len(number) != 11 or not number.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:10], PESEL_WEIGHTS, strict=True))
    if (10 - total % 10) % 10 != int(number[10]):
        return False
    year, month, day = int(number[0:2]), int(number[2:4]), int(number[4:6])
    offset = (month - 1) // 20 * 20 if month else -1
    if offset not in CENTURY:
        return False
    year, month = CENTURY[offset] + year, month - offset
    february = 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28
    days = (31, february, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    return 1 <= month <= 12 and 1 <= day <= days[month - 1]


def valid_id_card(series: str, number: str) -> bool:
    """The Polish ID card's checksum (letters count A=10 … Z=35; the weighted sum ends in 0)."""
    text = series.upper() + number
    if not re.fullmatch(r"[A-Z]{3}\d{6}", text):
        return False
    values = [ord(c) - 55 if c.isalpha() else int(c) for c in text]
    return sum(v * w for v, w in zip(values, ID_WEIGHTS, strict=True)) % 10 == 0


@dataclass(frozen=True)
class Masker:
    """Masks personal data, leaving the allow-listed public phone numbers and e-mails."""

    public_phones: frozenset[str] = frozenset()  # the last 9 digits
    public_emails: frozenset[str] = frozenset()  # lower case

    def mask(self, text: str | None) -> str:
        if not text:
            return text or ""
        text = EMAIL.sub(self._email, text)
        text = IBAN.sub(LABELS["iban"], text)  # no backslash in the label: taken as it is
        text = PESEL.sub(self._pesel, text)
        text = ID_CARD.sub(self._id_card, text)
        return PHONE.sub(self._phone, text)

    def found(self, text: str) -> bool:
        return self.mask(text) != text

    def _email(self, match: re.Match[str]) -> str:
        value = match.group(0)
        return value if value.lower() in self.public_emails else LABELS["email"]

    def _pesel(self, match: re.Match[str]) -> str:
        return LABELS["pesel"] if valid_pesel(digits(match.group(0))) else match.group(0)

    def _id_card(self, match: re.Match[str]) -> str:
        ok = valid_id_card(match.group(1), digits(match.group(2)))
        return LABELS["id_card"] if ok else match.group(0)

    def _phone(self, match: re.Match[str]) -> str:
        value = match.group(0)
        return value if digits(value)[-9:] in self.public_phones else LABELS["phone"]


def public_contacts(texts: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The phone numbers (last 9 digits) and e-mails that the bot itself publishes."""
    phones: set[str] = set()
    emails: set[str] = set()
    for text in texts:
        phones.update(digits(m.group(0))[-9:] for m in PHONE.finditer(text))
        emails.update(m.group(0).lower() for m in EMAIL.finditer(text))
    return frozenset(phones), frozenset(emails)


@lru_cache(maxsize=1)
def default_masker() -> Masker:
    """The masker with the allow-list from the project's own data files (read once)."""
    texts = [p.read_text(encoding="utf-8") for p in PUBLIC_SOURCES if p.exists()]
    phones, emails = public_contacts(texts)
    return Masker(phones, emails)


def mask(text: str | None) -> str:
    """Mask with the project's allow-list."""
    return default_masker().mask(text)
