"""Shared test helpers: paths and the real Rasa stack for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.storage import Database, upgrade
from tests.fake_graph import FakeGraph, GraphHandler
from tests.postgres import postgres_url  # noqa: F401  (a fixture: a throwaway PostgreSQL)

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "mops.tar.gz"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, processes: list[subprocess.Popen], logs: list[Path], timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process, log in zip(processes, logs, strict=True):
            if process.poll() is not None:
                pytest.fail(f"{process.args[:3]} exited early:\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    pytest.fail(
        f"{url} not up after {timeout:.0f} s:\n" + "\n".join(p.read_text()[-3000:] for p in logs)
    )


@dataclass
class RasaStack:
    """The real Rasa server (REST channel) and action server, on free local ports."""

    rasa_url: str
    actions_url: str

    def send(self, sender: str, message: str) -> list[dict]:
        response = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def rasa_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaStack]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: `make test` trains it first")
    tmp = tmp_path_factory.mktemp("rasa-stack")
    rasa_port, actions_port = free_port(), free_port()
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'tracker.db'}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    commands = [
        [str(BIN / "rasa"), "run", "actions", "--port", str(actions_port), "--actions", "actions"],
        [
            str(BIN / "rasa"), "run", "--enable-api", "--interface", "127.0.0.1",
            "--port", str(rasa_port), "--model", str(MODEL),
            "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml"),
            "--auth-token", os.environ["RASA_AUTH_TOKEN"],
        ],
    ]  # fmt: skip
    logs = [tmp / "actions.log", tmp / "rasa.log"]
    processes = [
        subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        for cmd, log in zip(commands, logs, strict=True)
    ]
    try:
        stack = RasaStack(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{actions_port}")
        wait_until_up(f"{stack.actions_url}/health", processes, logs, timeout=120)
        token = os.environ["RASA_AUTH_TOKEN"]
        wait_until_up(f"{stack.rasa_url}/status?token={token}", processes, logs, timeout=240)
        yield stack
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


# ---- web chat gateway and Messenger (tests/gateway) ---------------------------------------------
# Rasa reads credentials.yml, whose Messenger section needs these variables; the Graph API of the
# Messenger channel is always this machine's fake (tests never talk to Facebook). Set before any
# Rasa process starts, so `rasa_stack` passes them on.
FAKE_GRAPH_PORT = free_port()
os.environ["FACEBOOK_GRAPH_URL"] = f"http://127.0.0.1:{FAKE_GRAPH_PORT}/v2.12"
os.environ.setdefault("FACEBOOK_VERIFY_TOKEN", "dev-verify-token")
os.environ.setdefault("FACEBOOK_APP_SECRET", "dev-app-secret")
os.environ.setdefault("FACEBOOK_PAGE_ACCESS_TOKEN", "dev-page-access-token")
os.environ.setdefault("RASA_AUTH_TOKEN", "dev-rasa-token")
ARTIFACTS = ROOT / "tests" / "artifacts"

# Handoff: the gateway, Rasa's Messenger channel and the action server share the console's
# database, and read the office hours from a file the tests can change (read on every request).
_SHARED = Path(tempfile.mkdtemp(prefix="mops-tests-"))
HOURS_FILE = _SHARED / "handoff_hours.yml"
ALWAYS_OPEN = (
    "hours:\n"
    + "".join(
        f'  {day}: ["00:00-24:00"]\n'
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
    + "closed_on_public_holidays: false\n"
)
HOURS_FILE.write_text(ALWAYS_OPEN, encoding="utf-8")
os.environ["HANDOFF_HOURS_FILE"] = str(HOURS_FILE)
os.environ["CONSOLE_DATABASE_URL"] = f"sqlite:///{_SHARED / 'console.db'}"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A migrated console database (SQLite) of its own for one test."""
    url = f"sqlite:///{tmp_path / 'console.db'}"
    upgrade(url)
    database = Database(url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def graph() -> Iterator[FakeGraph]:
    """The fake Graph API that Rasa's Messenger channel sends to (FACEBOOK_GRAPH_URL)."""
    server = FakeGraph(("127.0.0.1", FAKE_GRAPH_PORT), GraphHandler)
    server.calls = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def start_gateway(rasa_url: str, log: Path, **env: str) -> tuple[str, subprocess.Popen]:
    """`python -m bot.gateway` on a free port, talking to `rasa_url`; its URL and process."""
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "python"), "-m", "bot.gateway"],
        cwd=ROOT,
        env={
            **os.environ,
            "GATEWAY_HOST": "127.0.0.1",
            "GATEWAY_PORT": str(port),
            "GATEWAY_RASA_URL": rasa_url,
            **env,
        },
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/health", [process], [log], timeout=60)
    return url, process


@pytest.fixture(scope="session")
def gateway_url(rasa_stack: RasaStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real gateway server in front of the real Rasa stack."""
    url, process = start_gateway(
        rasa_stack.rasa_url, tmp_path_factory.mktemp("gateway") / "gateway.log"
    )
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
