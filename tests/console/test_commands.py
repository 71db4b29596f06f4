"""The operator commands: `bot.console create-admin` and `bot.storage upgrade`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.console.accounts import AccountService
from bot.console.config import ConsoleSettings
from bot.storage import Database
from tests.console.conftest import sqlite_url

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], url: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONSOLE_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", *args],
        input=stdin,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_create_admin_on_an_empty_database_then_log_in(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    done = run(
        ["bot.console", "create-admin", "admin", "--first-name", "Ewa"],
        url,
        "dlugie-haslo-admina\n",
    )
    assert done.returncode == 0, done.stderr
    assert "Utworzono konto administratora „admin”." in done.stdout

    again = run(["bot.console", "create-admin", "admin"], url, "inne-dlugie-haslo\n")
    assert again.returncode == 1 and "Konto o tym loginie już istnieje." in again.stderr
    short = run(["bot.console", "create-admin", "drugi"], url, "krotkie\n")
    assert short.returncode == 1 and "co najmniej 12 znaków" in short.stderr

    db = Database(url)
    try:
        accounts = AccountService(db, ConsoleSettings(database_url=url))
        staff = accounts.authenticate("admin", "dlugie-haslo-admina").staff
        assert (staff.first_name, staff.role) == ("Ewa", "admin")
        assert [a.login for a in accounts.list()] == ["admin"]
    finally:
        db.dispose()


def test_storage_upgrade_command(tmp_path: Path) -> None:
    done = run(["bot.storage", "upgrade"], sqlite_url(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "console.db").exists()
