"""Gateway test helpers: the app in-process (Starlette's TestClient) with chosen settings."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.gateway.config import MessengerKeys, Settings
from tests.conftest import free_port

INFO_PHONE = "12 616 54 08"  # the information point, data/branches.yml


def closed_port_url() -> str:
    """An address where nothing listens: Rasa is down."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def make_client() -> Iterator[Callable[..., TestClient]]:
    """Build a gateway with `Settings` overrides; Rasa is down unless `rasa_url` is given.

    Its Messenger side sends to the fake Graph API, as Rasa's channel does (FACEBOOK_*)."""
    clients: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        default = Settings(rasa_url=closed_port_url(), messenger=MessengerKeys.from_env())
        settings = dataclasses.replace(default, **overrides)
        client = TestClient(create_app(settings))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def new_session(client: TestClient) -> str:
    response = client.post("/api/sessions")
    assert response.status_code == 201
    return response.json()["session"]


def receive_until(socket: Any, wanted: Callable[[dict], bool], limit: int = 20) -> list[dict]:
    """Frames up to and including the first one that `wanted` accepts."""
    frames = []
    for _ in range(limit):
        frames.append(socket.receive_json())
        if wanted(frames[-1]):
            return frames
    raise AssertionError(f"not received within {limit} frames: {frames}")
