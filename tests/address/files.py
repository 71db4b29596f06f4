"""Small gazetteer and register files of the real shapes, written by the tests themselves."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from bot.address.districts import DISTRICTS
from bot.address.importer import COLUMNS


def register_row(street: str, number: str, district: object, postcode: str = "30-001") -> dict:
    """One address point as the city's register has it (FACTS §6)."""
    return {
        "nazwa_ulicy": street,
        "numer_adresowy": number,
        "kod_pocztowy": postcode,
        "numer_dzielnicy": district,
        "nazwa_dzielnicy": "",
        "kod_teryt": "1261011",
    }


def write_geojson(path: Path, rows: Iterable[dict]) -> Path:
    """A GeoJSON FeatureCollection in EPSG:2178, one point feature per row."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [6_567_000.0 + i, 5_548_000.0]},
            "properties": row,
        }
        for i, row in enumerate(rows)
    ]
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2178"}},
        "features": features,
    }
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def write_csv(path: Path, rows: Iterable[dict], columns: tuple[str, ...] = COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=columns, delimiter=";", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_gazetteer(path: Path, streets: str, neighbourhoods: str = "[]") -> Path:
    """A gazetteer file with the 18 real districts and the given YAML street/place lists."""
    districts = "\n".join(f"  {roman}: {name}" for roman, name in DISTRICTS.items())
    path.write_text(
        f"source: test\nchecked: '2026-11-22'\ndistricts:\n{districts}\n"
        f"neighbourhoods: {neighbourhoods}\nstreets: {streets}\n"
        "outside_places: [Wieliczka]\n",
        encoding="utf-8",
    )
    return path
