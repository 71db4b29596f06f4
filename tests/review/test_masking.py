"""Masking: every kind of personal data in varied spellings goes; public numbers and ordinary
numbers (amounts, dates, house numbers, postcodes) stay."""

from __future__ import annotations

import pytest

from bot.masking import mask, valid_id_card, valid_pesel

PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)


def pesel(first_ten: str) -> str:
    """A PESEL with the right check digit."""
    total = sum(int(d) * w for d, w in zip(first_ten, PESEL_WEIGHTS, strict=True))
    return first_ten + str((10 - total % 10) % 10)


GOOD_PESEL = pesel("8501011234")  # born 1 January 1985
PESEL_2000S = pesel("0222151234")  # born 15 February 2002 (month + 20)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (f"mój pesel {GOOD_PESEL}", "[PESEL]"),
        (f"PESEL: {GOOD_PESEL[:6]} {GOOD_PESEL[6:]}", "[PESEL]"),
        (f"pesel {PESEL_2000S}, proszę", "[PESEL]"),
        ("zadzwońcie 601 234 567", "[telefon]"),
        ("tel 601-234-567", "[telefon]"),
        ("numer 601234567.", "[telefon]"),
        ("+48 601 234 567", "[telefon]"),
        ("+48601234567", "[telefon]"),
        ("0048 601 234 567", "[telefon]"),
        ("domowy (12) 345 67 89", "[telefon]"),
        ("12 345 67 89 po 16", "[telefon]"),
        ("kom. 601 23 45 67", "[telefon]"),
        ("pisz na jan.kowalski@gmail.com", "[e-mail]"),
        ("Anna_Nowak+mops@poczta.onet.pl.", "[e-mail]"),
        ("dowód ABS123456", "[dowód]"),
        ("dowod abs 123456", "[dowód]"),
        ("konto 61 1090 1014 0000 0712 1981 2874", "[konto]"),
        ("PL61109010140000071219812874", "[konto]"),
        ("nr PL 61 1090 1014 0000 0712 1981 2874 w banku", "[konto]"),
    ],
)
def test_personal_data_is_masked(text: str, label: str) -> None:
    masked = mask(text)
    assert label in masked
    assert not any(ch.isdigit() for ch in masked.replace("16", "")), masked


@pytest.mark.parametrize(
    "text",
    [
        "W projekcie wzięło udział 3 617 osób.",
        "Kwota 291 093,97 zł na rok 2012",
        "mieszkam na józefińskiej 14/3, 30-529 Kraków",
        "spotkanie 14.03.2024 o 12:30, albo 2024-03-14",
        "dzwoniłem na 12 616 54 08 i nikt nie odebrał",  # MOPS's information point (public)
        "Ośrodek Interwencji Kryzysowej: 12 421 92 82",  # crisis line from domain.yml
        "Niebieska Linia 800 120 002, telefon zaufania 116 111, alarmowy 112",
        "napisałem na do@mops.krakow.pl",
        "Filia nr 1, tel. 12 430-45-46",
        "12345678901",  # eleven digits with a wrong PESEL checksum
        "ABS123457",  # an ID card number with a wrong checksum
        "lata 2004–2008, 2012 r.",
    ],
)
def test_non_personal_text_stays(text: str) -> None:
    assert mask(text) == text


def test_checksums() -> None:
    assert valid_pesel(GOOD_PESEL) and valid_pesel(PESEL_2000S)
    assert not valid_pesel(GOOD_PESEL[:-1] + str((int(GOOD_PESEL[-1]) + 1) % 10))
    assert not valid_pesel(pesel("8513011234"))  # month 13: checksum right, no such date
    assert valid_id_card("ABS", "123456") and valid_id_card("abs", "123456")
    assert not valid_id_card("ABS", "223456")


def test_several_kinds_in_one_message() -> None:
    text = f"Jestem Jan, pesel {GOOD_PESEL}, tel. 601 234 567, mail jan@wp.pl, MOPS 12 616 54 08"
    assert mask(text) == (
        "Jestem Jan, pesel [PESEL], tel. [telefon], mail [e-mail], MOPS 12 616 54 08"
    )


def test_empty_text() -> None:
    assert mask("") == "" and mask(None) == ""
