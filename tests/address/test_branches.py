"""The branch catalogue: the facts of FACTS.md §2, and a clear refusal of a wrong file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.address.districts import DISTRICTS
from bot.branches import DEFAULT_PATH, BranchCatalogue, BranchDataError

_POINT = """information_point:
  name: Punkt informacyjny
  address: ul. Józefińska 14, 30-529 Kraków
  phones: ["12 616 54 08"]
  source: test
  checked: "2026-11-22"
"""


def _branch(name: str = "Filia nr 1", districts: str = "[II, III]", **fields: str) -> str:
    entry = {
        "name": name,
        "address": "ul. Rzeźnicza 2",
        "phones": '["12 430-45-46"]',
        "districts": districts,
        "source": "test",
        "checked": '"2026-11-22"',
        **fields,
    }
    lines = [f"    {key}: {value}" for key, value in entry.items() if value is not None]
    return "  -" + "\n".join(lines)[3:] + "\n"


def _write(tmp_path: Path, *branches: str) -> Path:
    path = tmp_path / "branches.yml"
    path.write_text(_POINT + "branches:\n" + "".join(branches), encoding="utf-8")
    return path


def test_shipped_branches_follow_facts() -> None:
    catalogue = BranchCatalogue.load()
    first, second = catalogue.for_district("II"), catalogue.for_district("IV")
    assert catalogue.for_district("III") is first and catalogue.for_district("VI") is second
    assert (first.name, first.address, first.phones, first.fax) == (
        "Filia nr 1",
        "ul. Rzeźnicza 2",
        ["12 430-45-46"],
        "12 430-45-49",
    )
    assert (second.name, second.address, second.phones) == (
        "Filia nr 2",
        "ul. Radzikowskiego 37",
        ["12 636-77-98"],
    )
    assert "smaknis.pl" in first.source and first.checked == "2026-11-22"


def test_a_district_without_a_known_branch_gets_none() -> None:
    catalogue = BranchCatalogue.load()
    assert catalogue.for_district("XIII") is None
    assert catalogue.for_district("I") is None


def test_the_information_point_has_its_contacts_and_source() -> None:
    point = BranchCatalogue.load().information_point
    assert point.address == "ul. Józefińska 14, 30-529 Kraków"
    assert point.phones == ["12 616 54 08"] and point.email == "do@mops.krakow.pl"
    assert "dok_id=251583" in point.source and point.checked == "2026-11-22"


def test_only_the_districts_facts_names_have_a_branch() -> None:
    catalogue = BranchCatalogue.load(DEFAULT_PATH)
    served = {roman for roman in DISTRICTS if catalogue.for_district(roman)}
    assert served == {"II", "III", "IV", "VI"}
    assert [b.name for b in catalogue.branches] == ["Filia nr 1", "Filia nr 2"]


@pytest.mark.parametrize(
    ("branches", "message"),
    [
        ((_branch(districts="[II, XX]"),), "'Filia nr 1': unknown district 'XX'"),
        (
            (_branch(), _branch("Filia nr 3", "[III, XIII]")),
            "district III is served by both 'Filia nr 1' and 'Filia nr 3'",
        ),
        ((_branch(phones="[]"),), "'Filia nr 1': no phone number"),
        ((_branch(phones=None),), "'Filia nr 1': no phone number"),
        ((_branch(address=None, source=None),), "'Filia nr 1': missing field(s) address, source"),
        ((_branch(checked='"wczoraj"'),), "checked 'wczoraj' is not a date"),
        ((_branch(opening="8-16"),), "unknown field(s) opening"),
    ],
)
def test_a_wrong_branch_file_is_refused(tmp_path: Path, branches: tuple, message: str) -> None:
    path = _write(tmp_path, *branches)
    with pytest.raises(BranchDataError) as error:
        BranchCatalogue.load(path)
    assert str(error.value).startswith(str(path)) and message in str(error.value)


def test_a_file_without_its_sections_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "branches.yml"
    path.write_text("branches: []\n", encoding="utf-8")
    with pytest.raises(BranchDataError, match="information_point and branches"):
        BranchCatalogue.load(path)


def test_districts_can_come_from_another_gazetteer(tmp_path: Path) -> None:
    path = _write(tmp_path, _branch(districts="[II]"))
    with pytest.raises(BranchDataError, match="unknown district 'II'"):
        BranchCatalogue.load(path, districts={"I": "Stare Miasto"})
