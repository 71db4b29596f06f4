"""Messages Rasa did not get because it was down: kept in order, delivered once when it is back.

The queue is in memory, and each kept message is also a small file on disk (GATEWAY_OUTBOX,
`var/outbox`, maildir style as the handoff spool: written whole under a temporary name, fsync'ed
and renamed; folder 0700, files 0600), removed once Rasa has it. A gateway restart reads the
folder back, so what a resident wrote while Rasa was down is delivered after the restart too.
What a resident wrote is in the hub (and on the screen) at once; the outbox only remembers what
Rasa still has to hear. One gateway owns its folder: several gateways need one folder each.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)
DEFAULT_PATH = "var/outbox"


def new_ref() -> str:
    """A mark for one message, sent to Rasa as metadata: a resend can see whether Rasa has it."""
    return secrets.token_hex(8)


@dataclass(frozen=True)
class Kept:
    """One message for Rasa: what it gets, what staff are shown, and its mark."""

    message: str
    shown: str | None
    ref: str = field(default_factory=new_ref)


class Outbox:
    """Per conversation, the messages Rasa has not had yet, oldest first.

    `path`: the folder that keeps them across restarts (None: memory only, as in unit tests).
    """

    def __init__(
        self, per_session: int = 50, max_sessions: int = 10_000, path: Path | None = None
    ) -> None:
        self._per_session = per_session  # the rate limit (20 a minute) keeps far below this
        self._max_sessions = max_sessions
        self._kept: OrderedDict[str, deque[Kept]] = OrderedDict()
        self._refused_since: dict[str, float] = {}  # ref -> when Rasa first answered it an error
        self._path = path
        self._files: dict[str, Path] = {}  # ref -> its file
        if path is not None:
            self._read_back(path)

    def keep(self, session: str, kept: Kept) -> bool:
        """Remember a message; False when the outbox is full (the resident was told to call)."""
        queue = self._kept.get(session)
        if queue is None:
            if len(self._kept) >= self._max_sessions:
                return False
            queue = self._kept[session] = deque()
        if len(queue) >= self._per_session:
            return False
        queue.append(kept)
        if self._path is not None:
            self._files[kept.ref] = _write(self._path, session, kept)
        return True

    def pending(self, session: str) -> list[Kept]:
        return list(self._kept.get(session) or ())

    def refused_for(self, kept: Kept) -> float:
        """Rasa answered this message with an error (again): for how many seconds now."""
        now = time.monotonic()
        return now - self._refused_since.setdefault(kept.ref, now)

    def delivered(self, session: str, kept: Kept) -> None:
        """Rasa has the message (or never will take it): forget it (it must be the oldest)."""
        self._refused_since.pop(kept.ref, None)
        queue = self._kept.get(session)
        if queue and queue[0] == kept:
            queue.popleft()
        if queue is not None and not queue:
            del self._kept[session]
        file = self._files.pop(kept.ref, None)
        if file is not None:
            file.unlink(missing_ok=True)

    def sessions(self) -> list[str]:
        """Conversations with kept messages, longest waiting first."""
        return list(self._kept)

    def __len__(self) -> int:
        return sum(len(queue) for queue in self._kept.values())

    def _read_back(self, path: Path) -> None:
        """The messages kept before a restart, in the order they came."""
        for file in sorted(path.glob("*.json")) if path.is_dir() else []:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
                kept = Kept(data["message"], data["shown"], data["ref"])
                session = str(data["session"])
            except (OSError, ValueError, KeyError, TypeError):
                log.error("unreadable kept message set aside", extra={"file": file.name})
                file.rename(file.with_suffix(".unreadable"))
                continue
            self._kept.setdefault(session, deque()).append(kept)
            self._files[kept.ref] = file
        if self._files:
            log.warning("kept messages read back after a restart", extra={"count": len(self)})


def _write(folder: Path, session: str, kept: Kept) -> Path:
    """One kept message as a file, whole or absent (a crash mid-write leaves a temporary)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"{time.time_ns():020d}-{kept.ref}"
    temporary = folder / f".{name}.tmp"
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        record = {"session": session, "message": kept.message, "shown": kept.shown}
        json.dump(record | {"ref": kept.ref}, file, ensure_ascii=False)
        file.flush()
        os.fsync(file.fileno())
    final = folder / f"{name}.json"
    os.replace(temporary, final)
    return final
