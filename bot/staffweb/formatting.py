"""How times and topics look in the console: Kraków time, Polish waiting times and topic titles."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.clarify import load_topics
from bot.clock import LOCAL_ZONE

# The same titles the assistant's buttons use (data/topics.yml), not intent names.
TOPIC_TITLES = {key: topic.title for key, topic in load_topics().items()}


def local_time(utc: datetime) -> datetime:
    """A stored naive-UTC time in Kraków's time zone."""
    return utc.replace(tzinfo=timezone.utc).astimezone(LOCAL_ZONE)


def clock(utc: datetime | None) -> str:
    return f"{local_time(utc):%d.%m.%Y %H:%M}" if utc else ""


def waited(seconds: int) -> str:
    """„3 min”, „1 godz. 5 min” — the same wording as the queue's script."""
    minutes = seconds // 60
    if minutes < 1:
        return "mniej niż minutę"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} godz. {minutes} min" if hours else f"{minutes} min"


def topic_title(key: str | None) -> str:
    """„Asystent rodzinny” for "support/family_assistant"; an unknown key as it is."""
    return TOPIC_TITLES.get(key, key) if key else ""
