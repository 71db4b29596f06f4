"""Outage drills with real processes: an action server, Rasa and the gateway that can be killed.

Launched as bot.evaluation.stack launches them (the token-protected action server, Rasa's
launcher), but each process can be stopped and started again on the same port, so a test can kill
the action server in the middle of a form, or Rasa itself, and bring it back.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bot.evaluation.stack import BIN, ROOT, free_port, wait_until_up, write_endpoints


@dataclass
class OutageStack:
    """An action server, Rasa (REST, Messenger, API) and the gateway, each on its own port."""

    workdir: Path
    model: Path
    token: str = field(default_factory=lambda: os.environ.get("RASA_AUTH_TOKEN", "dev-rasa-token"))
    actions_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _start(self, name: str, command: list[str], health: str, timeout: float) -> None:
        log = self.workdir / f"{name}.log"
        environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1"}
        environment.setdefault("ACTIONS_TOKEN", "dev-actions-token")
        environment["MESSENGER_OUTBOX"] = str(self.workdir / "messenger-outbox")
        with log.open("a") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT
            )
        self.processes[name] = process
        wait_until_up(health, [process], [log], timeout)

    def start_actions(self) -> None:
        command = [str(BIN / "python"), "-m", "bot.action_server", "--port", str(self.actions_port)]
        self._start(
            "actions", [*command, "--actions", "actions"], f"{self.actions_url}/health", 120
        )

    def start_rasa(self) -> None:
        endpoints = write_endpoints(self.workdir, self.actions_url)
        command = [
            str(BIN / "python"), "-m", "bot.rasa_server", "run", "--enable-api",
            "--interface", "127.0.0.1",
            "--port", str(self.rasa_port), "--model", str(self.model),
            "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml"),
            "--auth-token", self.token,
        ]  # fmt: skip
        self._start("rasa", command, f"{self.rasa_url}/status?token={self.token}", 240)

    def ensure_running(self) -> None:
        """The action server and Rasa up again, whatever an earlier drill killed."""
        if "actions" not in self.processes:
            self.start_actions()
        if "rasa" not in self.processes:
            self.start_rasa()

    @classmethod
    @contextmanager
    def running(cls, workdir: Path, model: Path) -> Iterator[OutageStack]:
        """The action server and Rasa up for the block, every process stopped after it."""
        stack = cls(workdir, model)
        try:
            stack.start_actions()
            stack.start_rasa()
            yield stack
        finally:
            stack.stop()

    def kill(self, name: str) -> None:
        """SIGKILL, as a crash: no goodbye to anyone."""
        process = self.processes.pop(name, None)
        if process is not None:
            process.kill()
            process.wait(timeout=20)

    def stop(self) -> None:
        for name in list(self.processes):
            self.kill(name)

    def tracker_texts(self, sender: str) -> list[str]:
        """What the resident said, as Rasa's tracker has it (what staff are shown)."""
        response = requests.get(
            f"{self.rasa_url}/conversations/{sender}/tracker",
            params={"token": self.token},
            timeout=30,
        )
        response.raise_for_status()
        return [
            str((e.get("metadata") or {}).get("shown") or e.get("text"))
            for e in response.json()["events"]
            if e["event"] == "user"
        ]
