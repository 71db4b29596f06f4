"""The real Rasa server (REST channel and HTTP API) and action server, on free local ports.

The end-to-end tests and `make eval-real` both talk to the assistant this way, so that what they
measure is what a resident gets.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import requests
import yaml

from bot.paths import PROJECT_ROOT as ROOT  # where Rasa runs; the tests import it from here

BIN = Path(sys.executable).parent


class StackError(RuntimeError):
    """A server did not come up; the message carries the end of its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(
    url: str, processes: list[subprocess.Popen], logs: list[Path], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process, log in zip(processes, logs, strict=True):
            if process.poll() is not None:
                command = cast(list[str], process.args)  # started with an argument list
                raise StackError(f"{command[:3]} exited early:\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    tails = "\n".join(log.read_text()[-3000:] for log in logs)
    raise StackError(f"{url} not up after {timeout:.0f} s:\n{tails}")


@dataclass
class RasaStack:
    """Where the two servers listen, the API token, and the folder with their logs."""

    rasa_url: str
    actions_url: str
    token: str
    workdir: Path | None = None  # rasa.log, actions.log

    def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        response = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        response.raise_for_status()
        return list(response.json())

    def tracker(self, sender: str) -> dict[str, Any]:
        response = requests.get(
            f"{self.rasa_url}/conversations/{sender}/tracker",
            params={"token": self.token},
            timeout=60,
        )
        response.raise_for_status()
        return dict(response.json())


def write_endpoints(workdir: Path, actions_url: str) -> Path:
    """endpoints.yml for a Rasa of the tests: the project's, with its own action server and a
    tracker store in `workdir` (the action token, the tracker's busy timeout and the response
    generator as configured for `make run`)."""
    config = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    config["action_endpoint"]["url"] = f"{actions_url}/webhook"
    config["tracker_store"]["db"] = str(workdir / "tracker.db")
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return endpoints


@contextmanager
def rasa_stack(
    model: Path, workdir: Path, env: dict[str, str] | None = None
) -> Iterator[RasaStack]:
    """Start both servers with a fresh SQLite tracker store in `workdir`; stop them after."""
    workdir.mkdir(parents=True, exist_ok=True)
    rasa_port, actions_port = free_port(), free_port()
    endpoints = write_endpoints(workdir, f"http://127.0.0.1:{actions_port}")
    environment = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    token = environment.setdefault("RASA_AUTH_TOKEN", "dev-rasa-token")
    environment.setdefault("ACTIONS_TOKEN", "dev-actions-token")
    python = str(BIN / "python")
    commands = [
        [python, "-m", "bot.action_server", "--port", str(actions_port), "--actions", "actions"],
        [
            python, "-m", "bot.rasa_server", "run", "--enable-api", "--interface", "127.0.0.1",
            "--port", str(rasa_port), "--model", str(model),
            "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml"),
            "--auth-token", token,
        ],
    ]  # fmt: skip
    logs = [workdir / "actions.log", workdir / "rasa.log"]
    processes = [
        subprocess.Popen(
            cmd, cwd=ROOT, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        for cmd, log in zip(commands, logs, strict=True)
    ]
    try:
        stack = RasaStack(
            f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{actions_port}", token, workdir
        )
        wait_until_up(f"{stack.actions_url}/health", processes, logs, timeout=120)
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
