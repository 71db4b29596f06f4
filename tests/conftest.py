"""Shared test helpers: paths and the real Rasa stack for end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.evaluation import stack
from bot.evaluation.stack import BIN, ROOT, RasaStack, free_port
from bot.review.tracker import tracker_engine
from bot.storage import Database, upgrade
from bot.storage.models import Base
from tests.fake_graph import FakeGraph, GraphHandler

# Throwaway servers: `postgres_url` (PostgreSQL) and `redis_port` (Redis).
pytest_plugins = ["tests.postgres", "tests.redis_server"]
MODEL = ROOT / "models" / "mops.tar.gz"
__all__ = ["BIN", "ROOT", "RasaStack", "free_port"]  # imported from here by the tests


def wait_until_up(url: str, processes: list[subprocess.Popen], logs: list[Path], timeout: float):
    try:
        stack.wait_until_up(url, processes, logs, timeout)
    except stack.StackError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def rasa_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaStack]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: `make test` trains it first")
    try:
        with stack.rasa_stack(MODEL, tmp_path_factory.mktemp("rasa-stack")) as running:
            yield running
    except stack.StackError as error:
        pytest.fail(str(error))


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
os.environ.setdefault("ACTIONS_TOKEN", "dev-actions-token")  # Rasa → action server
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


@pytest.fixture(scope="session", autouse=True)
def shared_console_database() -> None:
    """The shared console database, migrated before any process that uses it starts (as
    scripts/run.sh does): nothing migrates it on import."""
    upgrade(os.environ["CONSOLE_DATABASE_URL"])


# ---- the console and tracker databases: SQLite, and PostgreSQL where a test asks for it ---------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`@pytest.mark.databases("sqlite", "postgresql")` runs a test once on each database, through
    `db` and `tracker_url`; the PostgreSQL run is slow (it starts a server, tests/postgres.py)."""
    marker = metafunc.definition.get_closest_marker("databases")
    if marker is not None and "database_kind" in metafunc.fixturenames:
        kinds = [
            pytest.param(kind, marks=pytest.mark.slow) if kind == "postgresql" else kind
            for kind in marker.args
        ]
        metafunc.parametrize("database_kind", kinds, indirect=True)


@pytest.fixture
def database_kind(request: pytest.FixtureRequest) -> str:
    """The database this run of the test uses: SQLite unless `databases` names others."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db(database_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A migrated console database of its own for one test: a new SQLite file, or the
    PostgreSQL one emptied (a TRUNCATE is much quicker than a new database)."""
    if database_kind == "postgresql":
        url = request.getfixturevalue("postgres_console_url")
        database = Database(url)
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        with database.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        url = f"sqlite:///{tmp_path / 'console.db'}"
        upgrade(url)
        database = Database(url)
    yield database
    database.dispose()


@pytest.fixture
def tracker_url(database_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Rasa's tracker store database, without its `events` table yet (tests/review/conftest.py's
    `tracker` creates a generated one, Rasa's SQLTrackerStore its own)."""
    if database_kind != "postgresql":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    url = request.getfixturevalue("postgres_tracker_url")
    engine = tracker_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS events"))
    engine.dispose()
    return url


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
    """The real gateway server in front of the real Rasa stack.

    Every resident of every test writes from 127.0.0.1, as residents behind one proxy never do:
    the per-address limit is raised so that it measures nothing here; tests/gateway/test_api.py
    tests both limits on gateways of their own.
    """
    url, process = start_gateway(
        rasa_stack.rasa_url,
        tmp_path_factory.mktemp("gateway") / "gateway.log",
        GATEWAY_IP_RATE="600/60",
    )
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
