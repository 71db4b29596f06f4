"""The register importer on small GeoJSON and CSV files of the city's shape (FACTS §6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.address import AddressResolver
from bot.address import gazetteer as gazetteer_file
from bot.address.importer import COLUMNS, RegisterError, import_register, main
from tests.address.files import register_row, write_csv, write_geojson


def good_rows() -> list[dict]:
    """Wielicka split by number, Graniczna split by side, Józefińska in one district."""
    rows = [register_row("ul. Wielicka", str(n), 13.0) for n in range(1, 60)]
    rows += [register_row("ul. Wielicka", str(n), "12") for n in range(60, 120)]
    rows += [register_row("Graniczna", str(n), "IV" if n % 2 else "VI") for n in range(1, 41)]
    rows += [register_row("Józefińska", n, "XIII") for n in ("2", "14", "14A", "16")]
    rows.append(register_row("", "7", 13))  # an address point without a street: skipped
    return rows


@pytest.mark.parametrize("writer", [write_geojson, write_csv], ids=["geojson", "csv"])
def test_import_keeps_numbers_per_district(tmp_path: Path, starter_copy: Path, writer) -> None:
    suffix = "geojson" if writer is write_geojson else "csv"
    register = writer(tmp_path / f"adresy.{suffix}", good_rows())
    starter_copy.chmod(0o640)
    report = import_register(register, starter_copy, checked="2026-11-22")
    assert starter_copy.stat().st_mode & 0o777 == 0o640

    assert (report.features, report.streets) == (164, 3)
    assert report.points_per_district["XIII"] == 59 + 4
    assert dict(report.skipped) == {"no street name": 1}
    gazetteer = gazetteer_file.load(starter_copy)
    wielicka = next(s for s in gazetteer.streets if s.name == "Wielicka")
    assert {d: [str(r) for r in ranges] for d, ranges in wielicka.numbers.items()} == {
        "XII": ["60-119"],
        "XIII": ["1-59"],
    }
    graniczna = next(s for s in gazetteer.streets if s.name == "Graniczna")
    assert [str(r) for r in graniczna.numbers["IV"]] == ["1-39 nieparzyste"]

    resolver = AddressResolver.load(starter_copy)
    assert resolver.resolve("Wielicka 14").district == "XIII"
    assert resolver.resolve("na Wielickiej 100 m. 2").district == "XII"
    assert resolver.resolve("Wielicka 500").status == "needs_number"
    assert resolver.resolve("Graniczna 12").district == "VI"
    assert resolver.resolve("mieszkam w Nowej Hucie").district == "XVIII"  # neighbourhoods kept


def test_comma_separated_csv_is_read_too(tmp_path: Path, starter_copy: Path) -> None:
    register = tmp_path / "adresy.csv"
    lines = [",".join(COLUMNS)] + [f"Lipowa,{n},30-702,13,Podgórze,1261011" for n in range(1, 9)]
    register.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert import_register(register, starter_copy).streets == 1
    assert AddressResolver.load(starter_copy).resolve("Lipowa 3").district == "XIII"


def test_the_command_prints_a_report(
    tmp_path: Path, starter_copy: Path, capsys: pytest.CaptureFixture
) -> None:
    register = write_geojson(tmp_path / "adresy.geojson", good_rows())
    assert main([str(register), "--out", str(starter_copy)]) == 0
    out = capsys.readouterr().out
    assert "Read 164 features" in out and "Streets: 3" in out
    assert "XIII Podgórze: 63" in out and "no street name: 1" in out
    assert f"Wrote {starter_copy}" in out


def test_staff_aliases_survive_an_import(tmp_path: Path, starter_copy: Path) -> None:
    text = starter_copy.read_text(encoding="utf-8").replace(
        "- {name: Lipowa, districts: [XIII]}",
        "- {name: Lipowa, districts: [XIII], aliases: [Lipowa Podgórska]}",
    )
    starter_copy.write_text(text, encoding="utf-8")
    register = write_csv(tmp_path / "a.csv", [register_row("Lipowa", "3", 13)])
    report = import_register(register, starter_copy)
    assert "Józefińska" in report.dropped_streets
    lipowa = next(s for s in gazetteer_file.load(starter_copy).streets if s.name == "Lipowa")
    assert lipowa.aliases == ("Lipowa Podgórska",)


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    bad_json = tmp_path / "bad.geojson"
    bad_json.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    not_collection = tmp_path / "list.geojson"
    not_collection.write_text("[1, 2, 3]", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = write_csv(tmp_path / "header.csv", [])
    no_features = write_geojson(tmp_path / "none.geojson", [])
    rows = [register_row("Lipowa", str(n), 13) for n in range(1, 30)]
    no_district_column = write_csv(tmp_path / "cols.csv", rows, COLUMNS[:3] + COLUMNS[4:])
    without_numbers = [{k: v for k, v in r.items() if k != "numer_adresowy"} for r in rows]
    no_property = write_geojson(tmp_path / "props.geojson", without_numbers)
    unknown = write_geojson(tmp_path / "unknown.geojson", rows + [register_row("Lipowa", "99", 19)])
    too_many_bad = write_csv(
        tmp_path / "bad_rows.csv", rows + [register_row("Lipowa", "", 13) for _ in range(5)]
    )
    return {
        "bad JSON": (bad_json, "not valid JSON"),
        "not a FeatureCollection": (not_collection, "FeatureCollection"),
        "empty file": (empty, "the file is empty"),
        "header only": (header_only, "no address points"),
        "no features": (no_features, "no address points"),
        "missing column": (no_district_column, "numer_dzielnicy"),
        "missing property": (no_property, "numer_adresowy"),
        "unknown district": (unknown, "unknown district number(s): '19'"),
        "too many bad rows": (too_many_bad, "5 of 34 rows unusable (no house number: 5)"),
        "missing file": (tmp_path / "nowhere.csv", "cannot read"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "bad JSON",
        "not a FeatureCollection",
        "empty file",
        "header only",
        "no features",
        "missing column",
        "missing property",
        "unknown district",
        "too many bad rows",
        "missing file",
    ],
)
def test_a_bad_register_stops_and_leaves_the_gazetteer_untouched(
    tmp_path: Path, starter_copy: Path, case: str, capsys: pytest.CaptureFixture
) -> None:
    register, message = _bad_files(tmp_path)[case]
    before = starter_copy.read_bytes()
    with pytest.raises(RegisterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_register(register, starter_copy)
    assert main([str(register), "--out", str(starter_copy)]) == 1
    error = capsys.readouterr().err
    assert f"{starter_copy} left unchanged" in error and message in error
    assert starter_copy.read_bytes() == before
    assert sorted(p.name for p in starter_copy.parent.iterdir() if p.name.startswith(".")) == []
