"""House numbers and the compact number ranges the gazetteer keeps per street and district.

A street that crosses district borders is only resolvable by its house number, so the gazetteer
stores, for each district, ranges such as "1-57 nieparzyste, 2-40 parzyste, 60A". The same text
format is written by the importer and read by the resolver, and MOPS staff can edit it by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_NUMBER = re.compile(r"^\s*(\d{1,4})\s*([a-zA-Z]?)\s*$")
_LEADING_NUMBER = re.compile(r"^\s*(\d{1,4})\s*([a-zA-Z](?![a-zA-Z]))?")
_RANGE = re.compile(
    r"^\s*(?P<lo>\d{1,4}\s*[a-zA-Z]?)\s*(?:-\s*(?P<hi>\d{1,4}\s*[a-zA-Z]?))?"
    r"\s*(?P<parity>parzyste|nieparzyste)?\s*$"
)
EVEN, ODD = "parzyste", "nieparzyste"

HouseKey = tuple[int, str]


def house_key(number: str) -> HouseKey | None:
    """Sort key of a house number ("14A" → (14, "a")), or None when it has no leading number.

    Only the leading number and one letter count: "12/14" or "12-14" (double numbers of a
    corner building) sort as 12.
    """
    match = _LEADING_NUMBER.match(number)
    if not match:
        return None
    return int(match.group(1)), (match.group(2) or "").lower()


def format_key(key: HouseKey) -> str:
    """Write a key back the way addresses are written ("14A")."""
    return f"{key[0]}{key[1].upper()}"


@dataclass(frozen=True)
class NumberRange:
    """House numbers lo..hi inclusive (compared as (number, letter)), optionally one side only."""

    lo: HouseKey
    hi: HouseKey
    parity: str | None = None

    def __contains__(self, key: HouseKey) -> bool:
        if self.parity == EVEN and key[0] % 2:
            return False
        if self.parity == ODD and not key[0] % 2:
            return False
        return self.lo <= key <= self.hi

    def __str__(self) -> str:
        text = (
            format_key(self.lo)
            if self.lo == self.hi
            else f"{format_key(self.lo)}-{format_key(self.hi)}"
        )
        return f"{text} {self.parity}" if self.parity else text


def parse_ranges(text: str) -> list[NumberRange]:
    """Parse "1-57 nieparzyste, 2-40 parzyste, 60A"; raise ValueError naming the bad part."""
    ranges = []
    for part in str(text).split(","):
        match = _RANGE.match(part)
        lo = match and _NUMBER.match(match.group("lo"))
        hi = match and _NUMBER.match(match.group("hi") or match.group("lo"))
        if not match or not lo or not hi:
            raise ValueError(f"bad house-number range {part.strip()!r} in {text!r}")
        lo_key = (int(lo.group(1)), lo.group(2).lower())
        hi_key = (int(hi.group(1)), hi.group(2).lower())
        if hi_key < lo_key:
            raise ValueError(f"house-number range {part.strip()!r} runs backwards")
        ranges.append(NumberRange(lo_key, hi_key, match.group("parity")))
    return ranges


def format_ranges(ranges: Iterable[NumberRange]) -> str:
    return ", ".join(str(r) for r in ranges)


def _runs(points: list[tuple[HouseKey, str]], parity: str | None) -> dict[str, list[NumberRange]]:
    """Maximal runs of consecutive numbers (in sort order) that lie in the same district."""
    by_district: dict[str, list[NumberRange]] = {}
    start = 0
    for i in range(1, len(points) + 1):
        if i == len(points) or points[i][1] != points[start][1]:
            district = points[start][1]
            by_district.setdefault(district, []).append(
                NumberRange(points[start][0], points[i - 1][0], parity)
            )
            start = i
    return by_district


def compact(points: Iterable[tuple[HouseKey, str]]) -> dict[str, list[NumberRange]]:
    """Turn the address points of one street into the fewest ranges per district.

    Runs are taken over all numbers in order, or separately over odd and even numbers when that
    is shorter (streets whose two sides lie in different districts). A number registered in two
    districts is kept in both, so the resolver sees the conflict and asks instead of guessing.
    """
    unique = sorted(set(points))
    districts_of: dict[HouseKey, set[str]] = {}
    for key, district in unique:
        districts_of.setdefault(key, set()).add(district)
    clean = [(k, d) for k, d in unique if len(districts_of[k]) == 1]
    conflicts = [(k, d) for k, d in unique if len(districts_of[k]) > 1]

    plain = _runs(clean, None)
    odd = _runs([p for p in clean if p[0][0] % 2], ODD)
    even = _runs([p for p in clean if not p[0][0] % 2], EVEN)
    by_side: dict[str, list[NumberRange]] = {}
    for runs in (odd, even):
        for district, ranges in runs.items():
            by_side.setdefault(district, []).extend(ranges)

    def size(runs: dict[str, list[NumberRange]]) -> int:
        return sum(len(r) for r in runs.values())

    result = plain if size(plain) <= size(by_side) else by_side
    for key, district in conflicts:
        result.setdefault(district, []).append(NumberRange(key, key))
    return {d: sorted(r, key=lambda x: (x.lo, x.parity or "")) for d, r in sorted(result.items())}
