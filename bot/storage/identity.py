"""Who acts in the staff console: types that the handoff, review and console services and the
staff web share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.models import Role


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff member's id and role (detached from any database session)."""

    id: int
    role: Role

    @property
    def supervises(self) -> bool:
        return Role(self.role).rank >= Role.supervisor.rank


@dataclass(frozen=True)
class StaffView:
    """A staff account as the pages show it (no password hash)."""

    id: int
    login: str
    first_name: str
    role: str
    active: bool
    locked_until: datetime | None
    session_version: int = 0

    @property
    def actor(self) -> Actor:
        return Actor(self.id, Role(self.role))
