"""Every number the assistant says (phones, figures, dates) stands in the knowledge base."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

KNOWLEDGE = ROOT / "data" / "knowledge"
SHARED_KNOWLEDGE = ROOT.parent / "shared" / "knowledge"
# A number as people write it: digit groups joined by spaces, dashes or a decimal comma
# ("12 616 54 08", "12 430-45-46", "291 093,97", "3 617").
NUMBER = re.compile(r"\d+(?:[ \-–,]\d+)*")
MONTHS = (
    "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada"
    " grudnia"
)
# A date as the assistant writes it ("11 listopada 2004"); the sources write it ISO-style.
POLISH_DATE = re.compile(rf"(\d{{1,2}}) ({'|'.join(MONTHS.split())}) (\d{{4}})")


def raw_knowledge() -> str:
    files = sorted(KNOWLEDGE.rglob("*.md")) + sorted(KNOWLEDGE.rglob("*.txt"))
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def digits_only(text: str) -> str:
    return re.sub(r"(?<=\d)[ \-–,.](?=\d)", "", text)


def knowledge_text() -> str:
    return digits_only(raw_knowledge())


def iso_dates(text: str) -> list[tuple[str, str]]:
    """Each Polish date in `text` with the ISO spellings it may have in the sources."""
    dates = []
    for day, month, year in POLISH_DATE.findall(text):
        m = MONTHS.split().index(month) + 1
        dates.append((f"{day} {month} {year}", f"{year}-{m:02d}-{int(day):02d}|{year}-{m}-{day}"))
    return dates


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [
            s for key, v in value.items() if key not in ("payload", "checked") for s in _strings(v)
        ]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def response_texts() -> list[tuple[str, str]]:
    """Everything the assistant can say: responses, action messages, the branch catalogue."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    texts = [(name, text) for name, v in domain["responses"].items() for text in _strings(v)]
    for data_file in ("messages.yml", "branches.yml"):
        entries = yaml.safe_load((ROOT / "data" / data_file).read_text(encoding="utf-8"))
        texts += [(f"{data_file}:{text[:30]}", text) for text in _strings(entries)]
    return texts


def test_every_number_in_the_responses_is_in_the_knowledge_base() -> None:
    known, raw = knowledge_text(), raw_knowledge()
    missing = []
    for name, text in response_texts():
        for written, iso in iso_dates(text):
            if not re.search(iso, raw):
                missing.append((name, written))
        for number in NUMBER.findall(POLISH_DATE.sub("", text)):
            if not re.search(rf"(?<!\d){re.escape(digits_only(number))}(?!\d)", known):
                missing.append((name, number))
    assert not missing, f"numbers not found in data/knowledge: {missing}"


def test_every_e_mail_and_website_in_the_responses_is_in_the_knowledge_base() -> None:
    known = knowledge_text()
    for name, text in response_texts():
        for address in re.findall(r"[\w.]+@[\w.]+\w|www\.[\w.]+\w", text):
            assert address in known, (name, address)


def test_the_check_catches_an_invented_phone_number_or_date() -> None:
    assert not re.search(r"(?<!\d)126165409(?!\d)", knowledge_text())
    ((_, iso),) = iso_dates("od 12 listopada 2004 r.")
    assert not re.search(iso, raw_knowledge())


@pytest.mark.skipif(not SHARED_KNOWLEDGE.exists(), reason="no ../shared/knowledge beside the clone")
def test_shipped_knowledge_matches_the_shared_knowledge_base() -> None:
    for source in SHARED_KNOWLEDGE.rglob("*"):
        if source.is_file():
            shipped = KNOWLEDGE / source.relative_to(SHARED_KNOWLEDGE)
            assert shipped.read_bytes() == source.read_bytes(), f"{shipped} differs from {source}"


def test_knowledge_files_are_shipped() -> None:
    assert (KNOWLEDGE / "FACTS.md").exists()
    assert Path(KNOWLEDGE / "sources").is_dir()


def test_line_breaks_only_between_sentences_or_before_bullets() -> None:
    """A chat window shows every newline: a break inside a sentence would look broken."""
    broken = []
    for name, text in response_texts():
        lines = text.split("\n")
        for before, after in zip(lines, lines[1:], strict=False):
            ends_sentence = before.rstrip().endswith((".", ":", "?", "!"))
            if not (after.startswith("•") or before.startswith("•") or ends_sentence):
                broken.append((name, f"{before} ⏎ {after}"))
    assert not broken, broken
