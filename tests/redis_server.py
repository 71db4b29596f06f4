"""A throwaway Redis server for the tests that need what several Rasa instances share.

The session-scoped fixture `redis_port` starts Debian's `redis-server` (installed by `make
system-deps`) on a free loopback port, without persistence, in a temporary folder, and stops it
after the session. Without the binary the tests are skipped, or fail under CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest
import redis


def _wait_until_up(port: int, server: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
    deadline = time.monotonic() + timeout
    while True:
        try:
            if client.ping():
                return
        except redis.ConnectionError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {port}") from None
            time.sleep(0.05)


@pytest.fixture(scope="session")
def redis_port() -> Iterator[int]:
    """The port of a Redis server on 127.0.0.1, for the whole session."""
    from tests.conftest import free_port  # here: tests/conftest.py imports this module

    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is missing: `make system-deps` installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                folder,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_until_up(port, server)
            yield port
        finally:
            server.terminate()
            server.wait(timeout=10)
