"""The shipped gazetteer matches FACTS.md, and a malformed gazetteer is refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.address import gazetteer as gazetteer_file
from bot.address.gazetteer import GazetteerError
from tests.address.files import write_gazetteer

FACTS_DISTRICTS = (
    "I Stare Miasto · II Grzegórzki · III Prądnik Czerwony · IV Prądnik Biały · V Krowodrza · "
    "VI Bronowice · VII Zwierzyniec · VIII Dębniki · IX Łagiewniki-Borek Fałęcki · X Swoszowice · "
    "XI Podgórze Duchackie · XII Bieżanów-Prokocim · XIII Podgórze · XIV Czyżyny · "
    "XV Mistrzejowice · XVI Bieńczyce · XVII Wzgórza Krzesławickie · XVIII Nowa Huta"
)


def test_the_shipped_file_has_the_18_districts_of_facts() -> None:
    expected = dict(item.split(" ", 1) for item in FACTS_DISTRICTS.split(" · "))
    assert gazetteer_file.load().districts == expected


def test_the_shipped_file_keeps_its_source_and_checked_date() -> None:
    gazetteer = gazetteer_file.load()
    assert "FACTS.md" in gazetteer.source and gazetteer.checked == "2026-11-22"
    assert gazetteer_file.DEFAULT_PATH.read_text(encoding="utf-8").startswith("# Gazetteer")


def test_the_multi_district_streets_of_facts_have_no_invented_ranges() -> None:
    streets = {s.name: s for s in gazetteer_file.load().streets}
    assert streets["Wielicka"].districts == ("XII", "XIII") and streets["Wielicka"].more_districts
    assert streets["Zakopiańska"].districts == ("IX", "X")
    assert streets["Kocmyrzowska"].districts == ("XVI", "XVII", "XVIII")
    assert streets["al. Pokoju"].districts == ("II", "XIV")
    assert streets["Radzikowskiego"].districts == ("IV", "VI")
    assert not any(s.numbers for s in streets.values())


def test_writing_and_reading_give_back_the_same_gazetteer(tmp_path: Path) -> None:
    streets = '[{name: Wielicka, districts: [XII, XIII], numbers: {XII: "1-9 nieparzyste, 12A"}}]'
    original = gazetteer_file.load(write_gazetteer(tmp_path / "a.yml", streets))
    copy = tmp_path / "b.yml"
    copy.write_text(gazetteer_file.dump(original), encoding="utf-8")
    assert gazetteer_file.load(copy) == original
    shipped = gazetteer_file.load()
    assert gazetteer_file.dump(shipped) == gazetteer_file.DEFAULT_PATH.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("streets", "message"),
    [
        ("[{name: Lipowa, districts: [XX]}]", "street 'Lipowa': unknown district 'XX'"),
        ("[{name: Lipowa}]", "street 'Lipowa': missing districts"),
        ("[{districts: [I]}]", "every street needs a name"),
        ("[{name: Lipowa, districts: [I]}, {name: Lipowa, districts: [II]}]", "listed twice"),
        ('[{name: Lipowa, districts: [I], numbers: {II: "1-5"}}]', "numbers for 'II'"),
        ('[{name: Lipowa, districts: [I], numbers: {I: "5-1"}}]', "runs backwards"),
        ("[{name: Lipowa, districts: [I], colour: red}]", "unknown field(s) ['colour']"),
    ],
)
def test_a_bad_entry_is_refused_with_file_and_entry(
    tmp_path: Path, streets: str, message: str
) -> None:
    path = write_gazetteer(tmp_path / "g.yml", streets)
    with pytest.raises(GazetteerError) as error:
        gazetteer_file.load(path)
    assert str(error.value).startswith(str(path)) and message in str(error.value)


def test_a_bad_district_table_or_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "g.yml"
    path.write_text(yaml.safe_dump({"districts": {"XIX9": "Nowe"}, "streets": []}))
    with pytest.raises(GazetteerError, match="missing section"):
        gazetteer_file.load(path)
    path.write_text(
        yaml.safe_dump({"districts": {"IIII": "X"}, "streets": [], "neighbourhoods": []})
    )
    with pytest.raises(GazetteerError, match="district 'IIII'"):
        gazetteer_file.load(path)
    path.write_text("districts: [unclosed", encoding="utf-8")
    with pytest.raises(GazetteerError, match="cannot read"):
        gazetteer_file.load(path)
