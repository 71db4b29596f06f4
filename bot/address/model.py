"""What resolving an address returns to the dialogue code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["resolved", "needs_number", "choose", "unknown", "outside"]
Kind = Literal["street", "neighbourhood", "district"]


@dataclass(frozen=True)
class ParsedAddress:
    """The parts of the message, as the resident wrote them (names are not canonicalised here)."""

    street: str | None
    house_number: str | None
    flat: str | None
    postcode: str | None
    neighbourhood: str | None
    raw: str


@dataclass(frozen=True)
class Candidate:
    """A place the message may name; `districts` are those still possible for this message."""

    name: str
    kind: Kind
    districts: list[str]
    confidence: float
    reason: str
    more_districts: bool = False  # the gazetteer says the street also crosses unlisted districts


@dataclass(frozen=True)
class Resolution:
    """Outcome: `district` is set only when `status` is "resolved"."""

    status: Status
    parsed: ParsedAddress
    candidates: list[Candidate] = field(default_factory=list)
    district: str | None = None
