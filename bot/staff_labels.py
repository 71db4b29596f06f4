"""The staff-facing wording of the console and the review, from the staff-editable
data/staff_labels.yml, so that MOPS changes a text without touching the code.

Read once (cached). The keys are the code's: a group or a key the code needs that is missing
fails at import with the file and the key named, not as a blank label on a page later.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml

from bot.paths import data_file


class LabelsError(ValueError):
    """data/staff_labels.yml lacks a text the code needs (or holds a key it does not know)."""


@lru_cache(maxsize=1)
def _groups(path: Path) -> dict[str, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise LabelsError(f"{path}: expected groups of labels")
    return data


def staff_labels(group: str, keys: Iterable[str] | None = None) -> dict[str, str]:
    """The texts of one group by key. With `keys`, the group must hold exactly those (a closed
    set such as the ticket statuses); without, any keys (e.g. the notices a redirect names)."""
    path = data_file("staff_labels.yml")
    texts = _groups(path).get(group)
    if not isinstance(texts, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in texts.items()
    ):
        raise LabelsError(f"{path}: '{group}' must map keys to texts")
    if keys is not None:
        wanted = set(keys)
        if missing := sorted(wanted - texts.keys()):
            raise LabelsError(f"{path}: '{group}' lacks the text of {', '.join(missing)}")
        if unknown := sorted(texts.keys() - wanted):
            raise LabelsError(f"{path}: '{group}' has unknown keys {', '.join(unknown)}")
    return dict(texts)
