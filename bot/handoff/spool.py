"""Handoff requests kept on disk while the console database cannot take them.

Why files and not only a retrying thread: a request must survive the action server's restart,
and the database may stay locked or down for longer than any action may wait. Each request is
one small JSON file in a private folder (0700, files 0600, under var/), written to a temporary
name, fsync'ed and renamed, so it is whole or absent, and keeping one never waits for anything
(maildir style: no shared file to rewrite). A daemon thread writes the kept requests to the
database, oldest first, once it answers again; a file is removed only after its transaction has
committed, so a request is never lost. Desks in several processes (the action server, Rasa's
Messenger channel) take turns through a file lock, so each request is written once. (A crash
between the commit and the removal would write that one request twice: a duplicate ticket is
preferred over a lost one.)
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

DEFAULT_PATH = "var/handoff-spool"
RETRY_SECONDS = 5.0

# What the database raises when it is locked (SQLite) or cannot be reached (PostgreSQL).
UNAVAILABLE = (OperationalError,)


def spool_path(env: dict[str, str] | None = None) -> Path:
    """`HANDOFF_SPOOL`, or the folder under var/."""
    env = dict(os.environ if env is None else env)
    return Path(env.get("HANDOFF_SPOOL") or DEFAULT_PATH)


class HandoffSpool:
    """A durable queue of requests, and the thread that hands them to `write` when it can."""

    def __init__(
        self,
        path: Path,
        write: Callable[[dict[str, Any]], None],
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.path = path
        self.write = write
        self.retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._thread_lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def keep(self, request: dict[str, Any]) -> None:
        """Store a request durably and make sure a thread will deliver it."""
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex}"
        temporary = self.path / f".{name}.tmp"
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(request, file, ensure_ascii=False)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.path / f"{name}.json")
        log.warning("console database unavailable: handoff request kept")
        self.start()

    def files(self) -> list[Path]:
        """The kept requests' files, oldest first."""
        if not self.path.is_dir():
            return []
        return sorted(self.path.glob("*.json"))

    def pending(self) -> list[dict[str, Any]]:
        """The kept requests, oldest first."""
        return [json.loads(file.read_text(encoding="utf-8")) for file in self.files()]

    def flush(self) -> int:
        """Write the kept requests in order; stop at the first the database refuses.

        Returns how many are still kept.
        """
        with self._locked():
            files = self.files()
            for index, file in enumerate(files):
                if not file.exists():  # written meanwhile by another process's desk
                    continue
                try:
                    self.write(json.loads(file.read_text(encoding="utf-8")))
                except UNAVAILABLE:
                    return len(files) - index
                file.unlink()
            return len(self.files())

    def start(self) -> None:
        """The delivering thread, unless one is already running."""
        with self._thread_lock:
            if self._thread is not None:
                self._wake.set()
                return
            self._thread = threading.Thread(target=self._run, name="handoff-spool", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                if self.flush() == 0:
                    with self._thread_lock:  # a request kept meanwhile still finds a thread
                        if not self.files():
                            self._thread = None
                            return
                    continue
            except Exception:  # a request the database will never take must not stop the rest
                log.exception("kept handoff request could not be written; retrying")
            self._wake.wait(self.retry_seconds)
            self._wake.clear()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time, among this process's threads and other processes' desks."""
        with self._lock:
            self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.path / ".lock", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # releases the lock
