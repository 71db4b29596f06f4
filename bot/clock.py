"""Kraków's time zone: residents and staff read dates and office hours in it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

LOCAL_ZONE_NAME = "Europe/Warsaw"
LOCAL_ZONE = ZoneInfo(LOCAL_ZONE_NAME)
