"""Console test helpers: a migrated SQLite database in a temporary folder, staff accounts."""

from __future__ import annotations

from pathlib import Path

from bot.storage import Database, upgrade
from bot.storage.identity import Actor
from bot.storage.models import Role, Staff


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'console.db'}"


def migrated_url(folder: Path) -> str:
    """A fresh console database, migrated as `make run` does before the gateway starts."""
    url = sqlite_url(folder)
    upgrade(url)
    return url


def add_staff(db: Database, login: str, role: Role = Role.worker, name: str = "Anna") -> Actor:
    """An account without a usable password (the service tests never log in)."""
    with db.transaction() as session:
        staff = Staff(login=login, first_name=name, role=role, password_hash="!")
        session.add(staff)
        session.flush()
        return Actor(staff.id, role)
