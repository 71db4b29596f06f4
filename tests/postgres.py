"""A throwaway PostgreSQL server for the tests that need one (tests/test_postgresql.py).

`make system-deps` installs the server (Debian's `postgresql`, whose binaries live under
/usr/lib/postgresql/<version>/bin and are not on PATH). Without them a test that asks for
`postgres_url` is skipped, or fails under CI (as the browser tests do without Chromium).

The session-scoped fixture `postgres_url` runs `initdb` into a temporary folder and starts the
server there: on 127.0.0.1 only, on a free port, its Unix socket inside that folder, fsync off
(the data is thrown away), and a lock waited for over 30 s is an error rather than a hung test
run. Only the tests can log in (a random password, no `trust`).
`create_database` makes further empty databases on the server; `postgres_console_url` and
`postgres_tracker_url` are the ones behind tests/conftest.py's `db` and `tracker_url`.

The server runs as a child of the test process, not detached by `pg_ctl start`: it is stopped at
the session's end, and also when the tests are killed (in the same process group, and on Linux
told to stop when its parent dies), so an interrupted run leaves no server behind.
"""

from __future__ import annotations

import ctypes
import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.storage import upgrade

USER = "mops"
DATABASE = "mops"
SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket}'
fsync = off
synchronous_commit = off
full_page_writes = off
lock_timeout = '30s'
"""


def server_bin() -> Path | None:
    """The folder of `initdb` (with `postgres` beside it): on PATH, or the newest
    of Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: [int(p) if p.isdigit() else 0 for p in Path(path).parts[-3].split(".")],
    )
    return Path(versions[-1]).parent if versions else None


def _server_user() -> pwd.struct_passwd | None:
    """Who runs initdb and the server: this user, or, under root, an unprivileged account.

    initdb and postgres refuse to run as root. Rather than `runuser`/`su` (PAM, a login shell,
    quoting), the commands are started with subprocess's own `user=`/`group=` (a plain
    setuid/setgid in the child, nothing else needed): as `postgres` (which Debian's package
    creates) or else `nobody`. The temporary folder is handed to that account; this process,
    being root, still reads the log and connects over TCP."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    pytest.fail("running as root, and neither a `postgres` nor a `nobody` account exists")


def _stop_with_parent() -> None:
    """In the server's process, before it starts: a fast shutdown (SIGINT) when the test process
    ends, even killed (Linux's PR_SET_PDEATHSIG; set after the change of user, which clears it)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGINT)


@dataclass
class Cluster:
    """A running throwaway server: its folder, port, the superuser's password and process."""

    bin: Path
    root: Path
    port: int
    password: str
    owner: pwd.struct_passwd | None
    process: subprocess.Popen | None = None

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str) -> str:
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def _as_owner(self) -> dict:
        """subprocess's arguments that run a program as the server's user."""
        if self.owner is None:
            return {}
        return {"user": self.owner.pw_uid, "group": self.owner.pw_gid, "extra_groups": []}

    def _fail(self, what: str) -> None:
        log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
        pytest.fail(f"{what}\n{log}")

    def _wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                self._fail(f"postgres exited with {self.process.returncode}:")
            try:
                psycopg2.connect(self.url("postgres"), connect_timeout=2).close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    self._fail(f"postgres did not accept connections within {timeout:.0f} s:")
                time.sleep(0.05)

    @classmethod
    def start(cls, bin_dir: Path, port: int) -> Cluster:
        owner = _server_user()
        # Under root in /tmp itself: TMPDIR may be a folder the server's user cannot enter; and
        # the socket's path must stay under 108 characters.
        root = Path(tempfile.mkdtemp(prefix="mops-postgres-", dir="/tmp" if owner else None))
        cluster = cls(bin_dir, root, port, secrets.token_hex(16), owner)
        (root / "socket").mkdir()
        (root / "password").write_text(cluster.password + "\n", encoding="utf-8")
        if owner is not None:
            for path in (root, root / "socket", root / "password"):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        env = {**os.environ, "LC_ALL": "C"}  # English messages, whatever locales exist
        try:
            done = subprocess.run(
                [str(bin_dir / "initdb"), "--pgdata", str(cluster.data), "--username", USER,
                 "--pwfile", str(root / "password"), "--auth", "scram-sha-256",
                 "--encoding", "UTF8", "--no-locale", "--no-sync"],
                cwd=root, env=env, capture_output=True, text=True, check=False,
                **cluster._as_owner(),
            )  # fmt: skip
            if done.returncode != 0:
                cluster._fail(f"initdb failed:\n{done.stdout}{done.stderr}")
            settings = SETTINGS.format(port=port, socket=root / "socket")
            with (cluster.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
                conf.write(settings)
            with cluster.log.open("wb") as log:  # the server writes to the inherited file
                cluster.process = subprocess.Popen(
                    [str(bin_dir / "postgres"), "-D", str(cluster.data)],
                    cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, **cluster._as_owner(),
                    preexec_fn=_stop_with_parent if sys.platform == "linux" else None,
                )  # fmt: skip
            cluster._wait_until_ready()
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def stop(self) -> None:
        """A fast shutdown (clients disconnected), then the folder is removed."""
        try:
            if self.process is not None and self.process.poll() is None:
                self.process.send_signal(signal.SIGINT)
                try:
                    self.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def create_database(url: str, name: str) -> str:
    """A new, empty database `name` on the server of `url`; returns its URL."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of an empty database on a throwaway PostgreSQL server, for the whole session."""
    from tests.conftest import free_port  # here: tests/conftest.py imports this module

    bin_dir = server_bin()
    if bin_dir is None:
        message = "PostgreSQL's initdb is missing: `make system-deps` installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    cluster = Cluster.start(bin_dir, free_port())
    try:
        yield create_database(cluster.url("postgres"), DATABASE)
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_console_url(postgres_url: str) -> str:
    """The console database on PostgreSQL, migrated once for the session."""
    url = create_database(postgres_url, "console")
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres_tracker_url(postgres_url: str) -> str:
    """Rasa's tracker store database on PostgreSQL."""
    return create_database(postgres_url, "tracker")
