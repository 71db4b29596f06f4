"""Importing the handoff actions (as the action server does) creates no tables: migrations are
a step of their own (`python -m bot.storage upgrade`), never a side effect of an import."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, inspect

from tests.conftest import BIN, ROOT


def test_importing_the_handoff_actions_migrates_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    env = {**os.environ, "CONSOLE_DATABASE_URL": url, "HANDOFF_SPOOL": str(tmp_path / "spool")}
    done = subprocess.run(
        [str(BIN / "python"), "-c", "import actions.handoff"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    engine = create_engine(url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
