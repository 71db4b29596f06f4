"""The gazetteer file (data/gazetteer.yml): districts, neighbourhoods, streets and their numbers.

MOPS staff read and edit this file, and the importer rewrites it from the city's address-point
register, so loading validates every entry and names the file and the entry in each error, and
writing keeps one stable, commented layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.address.house_numbers import HouseKey, NumberRange, format_ranges, parse_ranges
from bot.paths import data_file

DEFAULT_PATH = data_file("gazetteer.yml")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ROMAN = {"I": 1, "V": 5, "X": 10}
_LINE = 100  # entries that fit stay on one line

HEADER = """\
# Gazetteer of Kraków for the MOPS assistant: which district (dzielnica) an address lies in.
#
# Plik czytają i poprawiają pracownicy MOPS. Układ:
#   source, checked   skąd są dane i kiedy je sprawdzono (RRRR-MM-DD);
#   city              nazwa miasta (jej odmiany nie są brane za ulicę);
#   districts         18 dzielnic: numer rzymski: nazwa;
#   neighbourhoods    osiedla i części miasta: name (nazwa w mianowniku, osiedla z "os."),
#                     districts (lista numerów dzielnic);
#   streets           ulice: name (w mianowniku, bez "ul."; aleje z "al.", place z "pl."),
#                     districts (lista dzielnic; kilka, gdy ulica przechodzi przez kilka),
#                     numbers (opcjonalnie, dla każdej dzielnicy numery domów, np.
#                     "1-57 nieparzyste, 2-40 parzyste, 60A"; bez nich asystent dopytuje
#                     o część ulicy, gdy dzielnic jest kilka),
#                     more_districts: true (lista dzielnic niepełna);
#   outside_places    miejscowości poza Krakowem i zwroty typu "poza Krakowem".
# Każdy wpis może mieć: aliases (inne nazwy, np. "Kościuszki"), forms (odmiany, których
# asystent sam nie zna, np. ["Tonie", "Toniach"]), note (uwaga dla ludzi).
# Odmiany przez przypadki (Józefińska → na Józefińskiej) asystent tworzy sam.
"""


class GazetteerError(ValueError):
    """The gazetteer file is malformed; the message names the file and the entry."""


def roman_to_int(roman: str) -> int | None:
    """1–39 from "I"…"XXXIX"; None for anything that is not such a numeral."""
    if not roman or any(ch not in _ROMAN for ch in roman):
        return None
    values = [_ROMAN[ch] for ch in roman]
    total = sum(
        -v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)
    )
    return total if int_to_roman(total) == roman else None


def int_to_roman(number: int) -> str:
    parts = []
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, number = divmod(number, value)
        parts.append(letters * count)
    return "".join(parts)


@dataclass(frozen=True)
class Place:
    """A street or a neighbourhood: its name, districts and what staff added by hand."""

    name: str
    districts: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    note: str | None = None
    numbers: dict[str, tuple[NumberRange, ...]] = field(default_factory=dict)
    more_districts: bool = False

    def districts_for_number(self, key: HouseKey) -> list[str]:
        """Districts whose known number ranges hold this house number (often none or one)."""
        return [d for d, ranges in self.numbers.items() if any(key in r for r in ranges)]


@dataclass
class Gazetteer:
    """The whole file: what the resolver indexes and the importer rewrites."""

    districts: dict[str, str]
    streets: list[Place]
    neighbourhoods: list[Place]
    outside_places: list[str]
    city: str = "Kraków"
    source: str = ""
    checked: str = ""


def _str_list(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise GazetteerError(f"{where}: expected a list of names, got {value!r}")
    return tuple(v.strip() for v in value)


def _place(raw: object, kind: str, districts: dict[str, str], where: str) -> Place:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
        raise GazetteerError(f"{where}: every {kind} needs a name, got {raw!r}")
    where = f"{where}: {kind} {raw['name']!r}"
    known = {"name", "districts", "aliases", "forms", "note", "numbers", "more_districts"}
    if kind == "neighbourhood":
        known -= {"numbers", "more_districts"}
    unknown = set(raw) - known
    if unknown:
        raise GazetteerError(f"{where}: unknown field(s) {sorted(unknown)}")
    own = _str_list(raw.get("districts"), where)
    if not own:
        raise GazetteerError(f"{where}: missing districts")
    for district in own:
        if district not in districts:
            raise GazetteerError(f"{where}: unknown district {district!r}")
    numbers: dict[str, tuple[NumberRange, ...]] = {}
    raw_numbers = raw.get("numbers") or {}
    if not isinstance(raw_numbers, dict):
        raise GazetteerError(f"{where}: numbers must map a district to ranges")
    for district, text in raw_numbers.items():
        if district not in own:
            raise GazetteerError(f"{where}: numbers for {district!r}, not in its districts")
        try:
            numbers[district] = tuple(parse_ranges(text))
        except ValueError as error:
            raise GazetteerError(f"{where}: {error}") from None
    return Place(
        name=raw["name"].strip(),
        districts=own,
        aliases=_str_list(raw.get("aliases"), where),
        forms=_str_list(raw.get("forms"), where),
        note=raw.get("note"),
        numbers=numbers,
        more_districts=bool(raw.get("more_districts", False)),
    )


def parse(data: object, where: str) -> Gazetteer:
    """Validate the loaded YAML of a gazetteer; `where` (the file) prefixes every error."""
    if not isinstance(data, dict):
        raise GazetteerError(f"{where}: expected a mapping with districts, neighbourhoods, streets")
    missing = [k for k in ("districts", "neighbourhoods", "streets") if k not in data]
    if missing:
        raise GazetteerError(f"{where}: missing section(s) {missing}")
    districts = data["districts"]
    if not isinstance(districts, dict) or not districts:
        raise GazetteerError(f"{where}: districts must map roman numerals to names")
    districts = {str(k): str(v) for k, v in districts.items()}
    for roman, name in districts.items():
        if roman_to_int(roman) is None or not name.strip():
            raise GazetteerError(f"{where}: district {roman!r}: need a roman numeral and a name")
    sections = {}
    for kind, key in (("street", "streets"), ("neighbourhood", "neighbourhoods")):
        raw = data[key] or []
        if not isinstance(raw, list):
            raise GazetteerError(f"{where}: {key} must be a list")
        places = [_place(item, kind, districts, where) for item in raw]
        names = [p.name for p in places]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise GazetteerError(f"{where}: {kind} listed twice: {duplicates}")
        sections[key] = places
    return Gazetteer(
        districts=districts,
        streets=sections["streets"],
        neighbourhoods=sections["neighbourhoods"],
        outside_places=list(_str_list(data.get("outside_places"), f"{where}: outside_places")),
        city=str(data.get("city") or "Kraków"),
        source=str(data.get("source") or ""),
        checked=str(data.get("checked") or ""),
    )


def load(path: Path | str = DEFAULT_PATH) -> Gazetteer:
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise GazetteerError(f"{path}: cannot read: {error}") from None
    return parse(data, str(path))


def _flow(value: object) -> str:
    """One YAML scalar or list on one line, quoted only where YAML needs it."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
    return text.removesuffix("\n").removesuffix("\n...")


def _place_lines(place: Place) -> list[str]:
    fields: dict[str, object] = {"name": place.name, "districts": list(place.districts)}
    if place.more_districts:
        fields["more_districts"] = True
    if place.numbers:
        fields["numbers"] = {d: format_ranges(r) for d, r in place.numbers.items()}
    for key in ("aliases", "forms"):
        if getattr(place, key):
            fields[key] = list(getattr(place, key))
    if place.note:
        fields["note"] = place.note
    one_line = "  - {" + ", ".join(f"{k}: {_flow(v)}" for k, v in fields.items()) + "}"
    if len(one_line) <= _LINE and "note" not in fields:
        return [one_line]
    first, *rest = fields.items()
    return [f"  - {first[0]}: {_flow(first[1])}"] + [f"    {k}: {_flow(v)}" for k, v in rest]


def dump(gazetteer: Gazetteer) -> str:
    """The file text: header comment, then one line per district and (mostly) per place."""
    lines = [HEADER]
    lines.append(f"source: {_flow(gazetteer.source)}")
    lines.append(f"checked: {_flow(gazetteer.checked)}")
    lines.append(f"city: {_flow(gazetteer.city)}")
    lines.append("\ndistricts:")
    lines += [f"  {roman}: {_flow(name)}" for roman, name in gazetteer.districts.items()]
    lines.append("\nneighbourhoods:")
    for place in gazetteer.neighbourhoods:
        lines += _place_lines(place)
    lines.append("\nstreets:")
    for place in gazetteer.streets:
        lines += _place_lines(place)
    lines.append("\noutside_places:")
    lines += [f"  - {_flow(name)}" for name in gazetteer.outside_places]
    return "\n".join(lines) + "\n"
