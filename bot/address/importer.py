"""Build data/gazetteer.yml from the city's address-point register (MSIP "Adresy").

    python -m bot.address.importer FILE [--out data/gazetteer.yml]

FILE is the register as GeoJSON (EPSG:2178, one feature per address point) or CSV with the same
columns. For each street the importer keeps, per district, its house numbers as compact ranges;
districts, neighbourhoods and outside places come from the existing gazetteer, and so do the
aliases and extra forms staff gave to a street. A file that is not what it should be stops the
import with a message and a non-zero exit, and the previous gazetteer stays byte-for-byte as it
was: the new one is written to a temporary file, checked, and only then renamed over it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from bot.address import gazetteer as gazetteer_file
from bot.address.gazetteer import Gazetteer, GazetteerError, Place, int_to_roman, roman_to_int
from bot.address.house_numbers import compact, house_key
from bot.polish.text import fold_diacritics

COLUMNS = (
    "nazwa_ulicy",
    "numer_adresowy",
    "kod_pocztowy",
    "numer_dzielnicy",
    "nazwa_dzielnicy",
    "kod_teryt",
)
MAX_SKIPPED_SHARE = 0.05  # more rows than this unusable: the file is not the register we expect
_ARABIC = re.compile(r"(\d{1,2})(?:\.0+)?")
_STREET_PREFIX = re.compile(r"^\s*(ul\.?|ulica)\s+", re.IGNORECASE)


class RegisterError(ValueError):
    """The register file cannot be imported; the message says what is wrong with it."""


@dataclass
class ImportReport:
    """What an import read and kept, printed for the person who runs it."""

    source: str
    file_format: str
    districts: dict[str, str]
    features: int = 0
    streets: int = 0
    points_per_district: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    dropped_streets: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        out = [
            f"Read {self.features} features from {self.source} ({self.file_format}).",
            f"Streets: {self.streets}",
            "Address points per district:",
        ]
        out += [
            f"  {roman} {name}: {self.points_per_district.get(roman, 0)}"
            for roman, name in self.districts.items()
        ]
        out.append(f"Rows skipped: {sum(self.skipped.values())}")
        out += [f"  {reason}: {count}" for reason, count in sorted(self.skipped.items())]
        if self.dropped_streets:
            dropped = self.dropped_streets
            out.append(
                f"Previous streets not in the register ({len(dropped)}): {', '.join(dropped)}"
            )
        return "\n".join(out)


def _read_geojson(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RegisterError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise RegisterError(f"{path}: not a GeoJSON FeatureCollection (no 'features' list)")
    rows = []
    for feature in data["features"]:
        properties = feature.get("properties") if isinstance(feature, dict) else None
        rows.append(properties if isinstance(properties, dict) else {})
    return rows


def _read_csv(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise RegisterError(f"{path}: not UTF-8 text ({error})") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RegisterError(f"{path}: missing column(s) {', '.join(missing)}")
    return list(reader)


def read_register(path: Path) -> tuple[list[dict], str]:
    """Rows (one dict per address point) and the format name, GeoJSON or CSV."""
    try:
        head = path.read_bytes()[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as error:
        raise RegisterError(f"{path}: cannot read ({error.strerror})") from None
    if not head:
        raise RegisterError(f"{path}: the file is empty")
    if path.suffix.lower() in (".geojson", ".json") or head.startswith(b"{"):
        rows, file_format = _read_geojson(path), "GeoJSON"
        present = set().union(*rows) if rows else set()
        missing = [c for c in COLUMNS if c not in present]
        if rows and missing:
            raise RegisterError(f"{path}: no feature has the properties {', '.join(missing)}")
    else:
        rows, file_format = _read_csv(path), "CSV"
    if not rows:
        raise RegisterError(f"{path}: the file holds no address points")
    return rows, file_format


def _district(value: str, districts: dict[str, str]) -> str | None:
    """Roman numeral of a district written 13, "13", "XIII" or "Dzielnica XIII"; else None."""
    text = str(value).strip().upper().removeprefix("DZIELNICA").strip()
    number = _ARABIC.fullmatch(text)  # "13", or "13.0" from a writer that made it a float
    roman = int_to_roman(int(number.group(1))) if number and 0 < int(number.group(1)) < 40 else text
    return roman if roman in districts and roman_to_int(roman) else None


def _street_name(value: object) -> str:
    return " ".join(_STREET_PREFIX.sub("", str(value or "")).split())


def build(rows: Iterable[dict], existing: Gazetteer, report: ImportReport) -> list[Place]:
    """Streets with per-district number ranges; raises RegisterError on a file to reject."""
    points: dict[str, list] = {}
    unknown_districts: Counter = Counter()
    for row in rows:
        report.features += 1
        if any(c not in row for c in COLUMNS):
            report.skipped["missing properties"] += 1
            continue
        name = _street_name(row["nazwa_ulicy"])
        key = house_key(str(row["numer_adresowy"] or ""))
        raw_district = str(row["numer_dzielnicy"] or "").strip()
        if not name:
            report.skipped["no street name"] += 1
        elif key is None:
            report.skipped["no house number"] += 1
        elif not raw_district:
            report.skipped["no district number"] += 1
        elif (district := _district(raw_district, existing.districts)) is None:
            unknown_districts[raw_district] += 1
        else:
            points.setdefault(name, []).append((key, district))
            report.points_per_district[district] += 1
    if unknown_districts:
        values = ", ".join(f"{v!r} ({n}×)" for v, n in unknown_districts.most_common(10))
        raise RegisterError(f"{report.source}: unknown district number(s): {values}")
    skipped = sum(report.skipped.values())
    if skipped > MAX_SKIPPED_SHARE * report.features:
        reasons = ", ".join(f"{r}: {n}" for r, n in report.skipped.most_common())
        raise RegisterError(
            f"{report.source}: {skipped} of {report.features} rows unusable ({reasons});"
            f" more than {MAX_SKIPPED_SHARE:.0%} means this is not the expected register"
        )
    kept = {street.name: street for street in existing.streets}
    streets = []
    for name in sorted(points, key=lambda n: fold_diacritics(n.lower())):
        numbers = compact(points[name])
        old = kept.get(name)
        streets.append(
            Place(
                name=name,
                districts=tuple(numbers),
                aliases=old.aliases if old else (),
                forms=old.forms if old else (),
                numbers={d: tuple(r) for d, r in numbers.items()},
            )
        )
    report.streets = len(streets)
    report.dropped_streets = sorted(set(kept) - set(points))
    return streets


def _write_atomically(text: str, out: Path) -> None:
    """Replace `out` only with a complete file: write beside it, then rename."""
    out.parent.mkdir(parents=True, exist_ok=True)
    mode = out.stat().st_mode & 0o777 if out.exists() else 0o644
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def import_register(
    path: Path | str,
    out: Path | str = gazetteer_file.DEFAULT_PATH,
    checked: str | None = None,
) -> ImportReport:
    """Rebuild the gazetteer at `out` from the register at `path` (the existing `out` supplies
    districts, neighbourhoods and outside places); raise RegisterError leaving `out` untouched."""
    path, out = Path(path), Path(out)
    try:
        existing = gazetteer_file.load(out)
    except GazetteerError as error:
        raise RegisterError(f"the current gazetteer is needed for districts: {error}") from None
    rows, file_format = read_register(path)
    report = ImportReport(str(path), file_format, existing.districts)
    streets = build(rows, existing, report)
    new = Gazetteer(
        districts=existing.districts,
        streets=streets,
        neighbourhoods=existing.neighbourhoods,
        outside_places=existing.outside_places,
        city=existing.city,
        source=f"rejestr punktów adresowych MSIP ({path.name}); osiedla: {existing.source}",
        checked=checked or date.today().isoformat(),
    )
    text = gazetteer_file.dump(new)
    gazetteer_file.parse(yaml.safe_load(text), f"{out} (new)")  # never write what cannot load
    _write_atomically(text, out)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.address.importer",
        description="Build the gazetteer from Kraków's address-point register (GeoJSON or CSV).",
    )
    parser.add_argument("file", type=Path, help="register file: .geojson/.json or .csv")
    parser.add_argument(
        "--out",
        type=Path,
        default=gazetteer_file.DEFAULT_PATH,
        help="gazetteer to rewrite, keeping its districts and places (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        report = import_register(args.file, args.out)
    except RegisterError as error:
        print(f"Import stopped, {args.out} left unchanged: {error}", file=sys.stderr)
        return 1
    print(report)
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
