"""Staff-facing wording comes from data/staff_labels.yml: a text the code needs that is missing
there stops the start with its key named, instead of a blank label on a page."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.paths import DATA_DIR_VARIABLE
from bot.staff_labels import LabelsError, staff_labels


def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    (tmp_path / "staff_labels.yml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))


def test_a_missing_key_fails_loudly_and_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _data_dir(tmp_path, monkeypatch, "roles:\n  worker: pracownik\n  admin: administrator\n")
    with pytest.raises(LabelsError, match="'roles' lacks the text of supervisor"):
        staff_labels("roles", ("worker", "supervisor", "admin"))


def test_a_renamed_key_or_a_missing_group_fails_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _data_dir(tmp_path, monkeypatch, "roles:\n  worker: pracownik\n  boss: szef\n")
    with pytest.raises(LabelsError, match="unknown keys boss"):
        staff_labels("roles", ("worker",))
    with pytest.raises(LabelsError, match="'channels' must map keys to texts"):
        staff_labels("channels")


def test_the_shipped_file_has_every_text_the_pages_use() -> None:
    """Importing the pages loads every group with the keys the code needs."""
    from bot.console.routes.common import DONE as CONSOLE_DONE
    from bot.review.routes.charts import INTENT_TITLES
    from bot.review.routes.common import DONE as REVIEW_DONE

    assert staff_labels("roles")["supervisor"] == "koordynator"
    assert CONSOLE_DONE["claimed"] == "Zgłoszenie zostało przejęte."
    assert REVIEW_DONE["deleted"] == "Rozmowa została usunięta."
    assert INTENT_TITLES["greet"] == "Powitanie"
