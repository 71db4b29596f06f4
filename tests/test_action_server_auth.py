"""The action server (issue #11, row 1): on loopback only, and actions only for Rasa's token.

A forged `POST /webhook` used to open a ticket for another conversation. Here the real
`python -m bot.action_server` runs on a free port with its own console database; a call without
the token (or with a wrong one) is refused and leaves the database untouched, while the same call
with the token does what Rasa asks. That Rasa itself sends the token is proven by every
end-to-end test (their stack starts this server and Rasa with endpoints that carry it).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml
from sqlalchemy import func, select

from bot.evaluation.stack import BIN, ROOT, free_port
from bot.storage import Database, upgrade
from bot.storage.models import Ticket
from tests.conftest import wait_until_up

pytestmark = pytest.mark.slow
TOKEN = "a-test-token-that-is-long-enough"


def forged_ticket_call(conversation: str) -> dict:
    """What Rasa would send after a resident agreed to talk to a worker."""
    return {
        "next_action": "action_handoff_submit",
        "sender_id": conversation,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": conversation,
            "slots": {
                "handoff_consent": True,
                "handoff_mode": "live",
                "handoff_description": "Proszę o pilny kontakt w sprawie zasiłku.",
            },
            "latest_message": {"intent": {"name": "affirm"}, "text": "tak"},
            "events": [],
            "paused": False,
            "active_loop": {},
        },
    }


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    folder = tmp_path_factory.mktemp("actions")
    url = f"sqlite:///{folder / 'console.db'}"
    upgrade(url)
    port = free_port()
    log = folder / "actions.log"
    env = {**os.environ, "ACTIONS_TOKEN": TOKEN, "CONSOLE_DATABASE_URL": url}
    env.pop("ACTIONS_HOST", None)
    process = subprocess.Popen(
        [str(BIN / "python"), "-m", "bot.action_server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    db = Database(url)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", [process], [log], timeout=120)
        yield f"http://127.0.0.1:{port}", db
    finally:
        db.dispose()
        process.terminate()
        process.wait(timeout=20)


def tickets(db: Database, conversation: str) -> int:
    with db.transaction() as session:
        query = select(func.count()).where(Ticket.conversation_id == conversation)
        return int(session.execute(query).scalar_one())


def test_a_forged_call_is_refused_and_changes_nothing(action_server) -> None:
    url, db = action_server
    for headers in ({}, {"Authorization": "Bearer dev-actions-token"}, {"Authorization": TOKEN}):
        response = requests.post(
            f"{url}/webhook", json=forged_ticket_call("victim"), headers=headers, timeout=30
        )
        assert response.status_code == 401, headers
        assert "events" not in response.text
    assert requests.get(f"{url}/actions", timeout=30).status_code == 401
    assert tickets(db, "victim") == 0


def test_the_same_call_with_the_token_runs_the_action(action_server) -> None:
    """The positive control: the refusal above is the token's doing, not a broken call."""
    url, db = action_server
    response = requests.post(
        f"{url}/webhook",
        json=forged_ticket_call("resident"),
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert tickets(db, "resident") == 1


def test_it_listens_on_loopback_only(action_server) -> None:
    url, _db = action_server
    port = int(url.rsplit(":", 1)[1])
    listening = Path("/proc/net/tcp").read_text().splitlines()[1:]
    local = {line.split()[1] for line in listening if line.split()[3] == "0A"}  # LISTEN
    assert f"0100007F:{port:04X}" in local  # 127.0.0.1
    assert f"00000000:{port:04X}" not in local  # not 0.0.0.0


def test_rasa_reads_the_token_from_the_environment_in_both_endpoint_files() -> None:
    """Rasa substitutes ${VAR} only in unquoted YAML values; a quoted one is sent as it is."""
    from rasa.utils.endpoints import read_endpoint_config

    env = {
        "ACTIONS_TOKEN": TOKEN,
        "ACTION_SERVER_URL": "http://10.0.0.5:5055/webhook",
        **{f"POSTGRES_{k}": "x" for k in ("HOST", "PORT", "DB", "USER", "PASSWORD")},
        **{f"REDIS_{k}": "y" for k in ("HOST", "PORT")},
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        for name in ("endpoints.yml", "endpoints.production.yml"):
            config = read_endpoint_config(str(ROOT / name), "action_endpoint")
            assert config is not None
            assert config.headers == {"Authorization": f"Bearer {TOKEN}"}, name
            assert "${" not in config.url
        production = yaml.safe_load((ROOT / "endpoints.production.yml").read_text())
        for section in ("tracker_store", "lock_store"):
            config = read_endpoint_config(str(ROOT / "endpoints.production.yml"), section)
            assert config is not None
            values = [config.url, *map(str, config.kwargs.values())]
            assert not [v for v in values if "${" in v], (section, production[section])
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
