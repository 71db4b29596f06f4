"""Conversation tests: tests/stories through the trained model, failing on any wrong prediction."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import BIN, MODEL, ROOT


@pytest.mark.slow
def test_every_conversation_goes_as_written(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            str(BIN / "rasa"), "test", "core", "--model", str(MODEL),
            "--stories", str(ROOT / "tests" / "stories"), "--out", str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else run.stderr[-5000:]
    assert run.returncode == 0, details
    assert "Correct:" in run.stdout + run.stderr
