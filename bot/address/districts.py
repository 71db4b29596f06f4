"""Kraków's 18 districts, roman numeral → name, as listed in data/gazetteer.yml.

The gazetteer file is the one place the names live, so the bot, the branch catalogue and the
resolver cannot disagree about them.
"""

from __future__ import annotations

from bot.address import gazetteer

DISTRICTS: dict[str, str] = gazetteer.load().districts
