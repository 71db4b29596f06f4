"""The labelled phrasings of phrasings.yml: each must get the status and districts listed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.address import AddressResolver

_DATA = yaml.safe_load(Path(__file__).with_name("phrasings.yml").read_text(encoding="utf-8"))


def _cases() -> list:
    cases = []
    for district, texts in _DATA["resolved"].items():
        cases += [pytest.param(t, "resolved", {district}, id=f"{district}:{t}") for t in texts]
    for status in ("needs_number", "choose"):
        for districts, texts in _DATA[status].items():
            expected = set(districts.split())
            cases += [pytest.param(t, status, expected, id=f"{status}:{t}") for t in texts]
    for status in ("unknown", "outside"):
        cases += [pytest.param(t, status, set(), id=f"{status}:{t}") for t in _DATA[status]]
    return cases


CASES = _cases()


def test_there_are_at_least_200_phrasings() -> None:
    assert len(CASES) >= 200


@pytest.mark.parametrize(("text", "status", "districts"), CASES)
def test_phrasing(resolver: AddressResolver, text: str, status: str, districts: set[str]) -> None:
    result = resolver.resolve(text)
    offered = {d for c in result.candidates for d in c.districts}
    assert result.status == status, f"{text!r}: {result.status} {result.candidates}"
    if status == "resolved":
        assert result.district == districts.pop()
    else:
        assert result.district is None
        assert offered == districts
