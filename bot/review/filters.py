"""The conversation list's filters: read from the page's query string and written back to it,
with staff's dates taken in Kraków's time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from bot.clock import LOCAL_ZONE
from bot.review.annotations import TAG_CHARS, tag_form
from bot.staff_labels import staff_labels

MIN_YEAR, MAX_YEAR = 2000, 2999  # date filters outside these mean nothing for this service
CHANNELS = staff_labels("channels")


def _flag(value: str | None) -> bool | None:
    return {"1": True, "0": False}.get(value or "")


def _date(value: str | None) -> date | None:
    """A filter date; nonsense (or a year the day arithmetic would overflow) is no filter."""
    try:
        parsed = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return parsed if parsed and MIN_YEAR <= parsed.year <= MAX_YEAR else None


def utc_midnight(day: date) -> datetime:
    """Kraków's midnight of `day` as naive UTC (the stored form)."""
    local = datetime.combine(day, time(0), tzinfo=LOCAL_ZONE)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Filters:
    """The list's filters, from and back to the page's query string."""

    date_from: date | None = None
    date_to: date | None = None
    channel: str = ""
    intent: str = ""
    trouble: bool | None = None  # low confidence or fallback
    handed: bool | None = None
    district: bool | None = None  # a district found at all
    reviewed: bool | None = None
    q: str = ""
    tag: str = ""
    district_is: str = ""  # one district, its Roman numeral ("XIII") as the bot's slot holds it

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> Filters:
        return cls(
            date_from=_date(params.get("from")),
            date_to=_date(params.get("to")),
            channel=(params.get("channel") or "").strip()[:32],
            intent=(params.get("intent") or "").strip()[:100],
            trouble=_flag(params.get("trouble")),
            handed=_flag(params.get("handed")),
            district=_flag(params.get("district")),
            reviewed=_flag(params.get("reviewed")),
            q=(params.get("q") or "").strip()[:200],
            tag=tag_form(params.get("tag"))[:TAG_CHARS],
            district_is=(params.get("district_is") or "").strip().upper()[:10],
        )

    def to_query(self) -> dict[str, str]:
        """Non-empty filters as query parameters (for paging and export links)."""
        out = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "channel": self.channel,
            "intent": self.intent,
            "q": self.q,
            "tag": self.tag,
            "district_is": self.district_is,
        }
        for name in ("trouble", "handed", "district", "reviewed"):
            value = getattr(self, name)
            out[name] = "" if value is None else str(int(value))
        return {k: v for k, v in out.items() if v}
