"""MOPS branches (filie) and the information point, from data/branches.yml.

The assistant sends a resident to the branch of their district, so the file is checked when it
loads: every district must be one of the gazetteer's, no district may have two branches, every
entry needs a phone, a source and a checked date. A district with no known branch gets None, and
the dialogue then gives the information point instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from bot.address.districts import DISTRICTS
from bot.paths import data_file

DEFAULT_PATH = data_file("branches.yml")
_REQUIRED = ("name", "address", "source", "checked")
_OPTIONAL = ("phones", "fax", "email", "districts")


class BranchDataError(ValueError):
    """The branch file is wrong; the message names the file and the entry."""


@dataclass(frozen=True)
class Branch:
    """A branch or the information point, with where its facts come from."""

    name: str
    address: str
    phones: list[str]
    fax: str | None
    email: str | None
    districts: list[str]
    source: str
    checked: str


def _branch(raw: object, where: str, districts: dict[str, str]) -> Branch:
    if not isinstance(raw, dict):
        raise BranchDataError(f"{where}: expected a mapping, got {raw!r}")
    where = f"{where} {raw.get('name')!r}" if raw.get("name") else where
    missing = [key for key in _REQUIRED if raw.get(key) in (None, "", [])]
    if missing:
        raise BranchDataError(f"{where}: missing field(s) {', '.join(missing)}")
    unknown = set(raw) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise BranchDataError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    phones = raw.get("phones") or []
    if not isinstance(phones, list) or not [p for p in phones if str(p).strip()]:
        raise BranchDataError(f"{where}: no phone number")
    served = raw.get("districts") or []
    if not isinstance(served, list):
        raise BranchDataError(f"{where}: districts must be a list of roman numerals")
    for district in served:
        if str(district) not in districts:
            raise BranchDataError(
                f"{where}: unknown district {district!r} (the gazetteer has {', '.join(districts)})"
            )
    checked = str(raw["checked"])
    try:
        date.fromisoformat(checked)
    except ValueError:
        raise BranchDataError(f"{where}: checked {checked!r} is not a date YYYY-MM-DD") from None
    return Branch(
        name=str(raw["name"]),
        address=str(raw["address"]),
        phones=[str(p).strip() for p in phones],
        fax=str(raw["fax"]) if raw.get("fax") else None,
        email=str(raw["email"]) if raw.get("email") else None,
        districts=[str(d) for d in served],
        source=str(raw["source"]),
        checked=checked,
    )


class BranchCatalogue:
    """The known branches by district, and the information point."""

    def __init__(self, branches: list[Branch], information_point: Branch) -> None:
        self.branches = branches
        self.information_point = information_point
        self._by_district = {d: b for b in branches for d in b.districts}

    @classmethod
    def load(
        cls, path: Path | str = DEFAULT_PATH, districts: dict[str, str] | None = None
    ) -> BranchCatalogue:
        """Read and validate the file; `districts` defaults to the gazetteer's 18."""
        districts = DISTRICTS if districts is None else districts
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise BranchDataError(f"{path}: cannot read: {error}") from None
        if not isinstance(data, dict) or "branches" not in data or "information_point" not in data:
            raise BranchDataError(f"{path}: needs the sections information_point and branches")
        point = _branch(data["information_point"], f"{path}: information_point", districts)
        raw_branches = data["branches"] or []
        if not isinstance(raw_branches, list):
            raise BranchDataError(f"{path}: branches must be a list")
        branches = [_branch(raw, f"{path}: branch", districts) for raw in raw_branches]
        served_by: dict[str, str] = {}
        for branch in branches:
            for district in branch.districts:
                if district in served_by:
                    raise BranchDataError(
                        f"{path}: district {district} is served by both {served_by[district]!r}"
                        f" and {branch.name!r}"
                    )
                served_by[district] = branch.name
        return cls(branches, point)

    def for_district(self, district: str) -> Branch | None:
        """The branch serving a district, or None when the data does not say."""
        return self._by_district.get(district)
