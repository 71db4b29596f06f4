"""What the gateway shows an attacker (issue #11): headers, API docs, addresses, logs, files.

Rows covered: 1 (the gateway on loopback by default), 7 (no conversation ids in the access log),
12 (security headers on pages, scripts, static files and API answers; API docs off; private
SQLite files; development secrets refused in production).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import socket
import stat
import subprocess
import time
from pathlib import Path

import pytest
import requests

from bot.app import create_app
from bot.evaluation.stack import BIN, ROOT, free_port
from bot.gateway.config import Settings
from bot.gateway.headers import inline_style_hashes
from bot.storage import Database
from tests.browser import browser_fixture, served
from tests.conftest import ARTIFACTS, start_gateway
from tests.gateway.conftest import closed_port_url

STRONG = {
    "RASA_AUTH_TOKEN": "rasa-token-0123456789abcdef",
    "ACTIONS_TOKEN": "actions-token-0123456789abcdef",
    "CONSOLE_SECRET_KEY": "console-key-0123456789abcdef",
    "GATEWAY_SESSION_KEY": "session-key-0123456789abcdef",
    "FACEBOOK_VERIFY_TOKEN": "verify-token-0123456789abcdef",
    "FACEBOOK_APP_SECRET": "app-secret-0123456789abcdef",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "page-token-0123456789abcdef",
}
PAGES = [
    "/",
    "/widget.js",
    "/static/widget.css",
    "/health",
    "/api/config",
    "/no-such-page",
    "/console/login",
    "/console/static/console.css",
]


def assert_protected(response) -> None:
    """The headers a browser needs to refuse injected scripts, framing and type guessing."""
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, response.url
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers.get("x-frame-options") == "DENY"
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get("referrer-policy")


def test_every_page_script_and_api_answer_carries_the_security_headers(make_client) -> None:
    client = make_client()
    for path in PAGES:
        assert_protected(client.get(path))
    started = client.post("/api/sessions")
    assert_protected(started)
    session = started.json()["session"]
    assert_protected(client.post(f"/api/sessions/{session}/messages", json={"text": "Halo"}))
    assert_protected(client.get(f"/api/sessions/{session}/messages"))


def test_the_policy_allows_exactly_the_demo_pages_inline_style(make_client) -> None:
    """The page has one `<style>` and no inline script; the browser tests render it so."""
    page = make_client().get("/")
    styles = re.findall(r"<style>(.*?)</style>", page.text, flags=re.DOTALL)
    assert len(styles) == 1 and "<script>" not in page.text
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in page.headers["content-security-policy"]
    assert inline_style_hashes(ROOT / "bot/gateway/static/demo.html") == [f"'sha256-{digest}'"]


def test_hsts_over_https_or_when_configured_never_over_plain_http(make_client) -> None:
    plain = make_client()
    assert "strict-transport-security" not in plain.get("/").headers
    assert "max-age=" in plain.get("https://testserver/").headers["strict-transport-security"]
    forced = make_client(hsts=True)
    assert "max-age=" in forced.get("/api/config").headers["strict-transport-security"]
    assert "strict-transport-security" not in make_client(hsts=False).get("https://x/").headers


def test_api_docs_are_off_unless_a_developer_asks(make_client) -> None:
    client = make_client()
    for path in ("/openapi.json", "/docs", "/redoc"):
        assert client.get(path).status_code == 404, path
    assert make_client(api_docs=True).get("/openapi.json").status_code == 200
    asked = Settings.from_env({"GATEWAY_API_DOCS": "1"})
    assert asked.api_docs
    assert not Settings.from_env({"GATEWAY_API_DOCS": "1", "MOPS_ENV": "production"}).api_docs


def test_the_gateway_listens_on_loopback_unless_told_otherwise() -> None:
    assert Settings.from_env({}).host == "127.0.0.1"
    assert Settings.from_env({"GATEWAY_HOST": "0.0.0.0"}).host == "0.0.0.0"


def listening(port: int) -> set[str]:
    """Local addresses (hex, as /proc shows them) with a socket listening on `port`."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return {ln.split()[1].split(":")[0] for ln in lines if ln.split()[1].endswith(f":{port:04X}")
            and ln.split()[3] == "0A"}  # fmt: skip


def env_without(*names: str, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in names}
    return {**env, **values}


@pytest.mark.slow
def test_production_with_real_secrets_serves_on_loopback_without_docs(tmp_path: Path) -> None:
    """The positive control of the refusals below, and the default address in a real process."""
    port = free_port()
    env = env_without(
        "GATEWAY_HOST",
        "GATEWAY_API_DOCS",
        **STRONG,
        MOPS_ENV="production",
        GATEWAY_PORT=str(port),
        GATEWAY_RASA_URL=closed_port_url(),
        CONSOLE_DATABASE_URL=f"sqlite:///{tmp_path / 'console.db'}",
    )
    log = tmp_path / "gateway.log"
    process = subprocess.Popen(
        [str(BIN / "python"), "-m", "bot.gateway"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = requests.get(f"{url}/health", timeout=2)
                break
            except requests.ConnectionError:
                assert process.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, "the gateway did not start"
                time.sleep(0.5)
        assert listening(port) == {"0100007F"}  # 127.0.0.1 only
        assert_protected(health)
        assert "max-age=" in health.headers["strict-transport-security"]  # production: HSTS
        assert "server" not in health.headers
        assert requests.get(f"{url}/openapi.json", timeout=5).status_code == 404
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.parametrize(
    ("command", "named"),
    [
        (
            ["-m", "bot.gateway"],
            ["RASA_AUTH_TOKEN", "CONSOLE_SECRET_KEY", "GATEWAY_SESSION_KEY", "FACEBOOK_APP_SECRET"],
        ),
        (["-m", "bot.action_server", "--port", "0"], ["ACTIONS_TOKEN"]),
        (["-m", "bot.rasa_server", "run"], ["RASA_AUTH_TOKEN", "FACEBOOK_APP_SECRET"]),
    ],
)
@pytest.mark.parametrize("secrets", ["development", "empty"])
def test_production_refuses_to_start_with_development_secrets(
    command: list[str], named: list[str], secrets: str, tmp_path: Path
) -> None:
    development = {
        "RASA_AUTH_TOKEN": "dev-rasa-token",
        "ACTIONS_TOKEN": "dev-actions-token",
        "CONSOLE_SECRET_KEY": "",
        "GATEWAY_SESSION_KEY": "",
        "FACEBOOK_VERIFY_TOKEN": "dev-verify-token",
        "FACEBOOK_APP_SECRET": "dev-app-secret",
        "FACEBOOK_PAGE_ACCESS_TOKEN": "dev-page-access-token",
    }
    values = development if secrets == "development" else dict.fromkeys(development, "")
    port = free_port()
    env = env_without(
        *development,
        **values,
        MOPS_ENV="production",
        GATEWAY_PORT=str(port),
        CONSOLE_DATABASE_URL=f"sqlite:///{tmp_path / 'console.db'}",
    )
    done = subprocess.run(
        [str(BIN / "python"), *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    for name in named:
        assert name in done.stderr, done.stderr[-2000:]
    assert "MOPS_ENV=production" in done.stderr
    assert not (tmp_path / "console.db").exists()  # refused before touching anything
    assert not listening(port)


def websocket_handshake(url: str, path: str) -> None:
    """Open a WebSocket by hand (the test needs only uvicorn's log line of it)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                f"Sec-WebSocket-Version: 13\r\nOrigin: {url}\r\n\r\n"
            ).encode()
        )
        conn.recv(1024)


@pytest.mark.slow
def test_conversation_ids_never_reach_the_access_log(tmp_path: Path) -> None:
    """Row 7: uvicorn logged `POST /api/sessions/<id>/messages`; the id is the only key."""
    log = tmp_path / "gateway.log"
    url, process = start_gateway(closed_port_url(), log, GATEWAY_CORS_ORIGINS="http://127.0.0.1")
    try:
        session = requests.post(f"{url}/api/sessions", timeout=10).json()["session"]
        sent = requests.post(
            f"{url}/api/sessions/{session}/messages", json={"text": "Dzień dobry"}, timeout=30
        )
        assert sent.status_code == 200  # Rasa is down: an apology, still an answer
        requests.get(f"{url}/api/sessions/{session}/messages?after=0", timeout=10)
        requests.get(f"{url}/console/review/c/{session}", timeout=10, allow_redirects=False)
        requests.get(f"{url}/console/review?q=Kowalska", timeout=10, allow_redirects=False)
        websocket_handshake(url, f"/ws/{session}?after=0")
        time.sleep(0.5)
    finally:
        process.terminate()
        process.wait(timeout=20)
    written = log.read_text()
    assert "/api/sessions/…/messages" in written  # the requests were logged, without the id
    assert "/ws/…" in written
    random_part = session.split(":")[-1].split(".")[0]
    assert session not in written and random_part not in written
    assert "Kowalska" not in written and "Dzień dobry" not in written


def test_sqlite_databases_are_created_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a usual umask: files world-readable unless made private
    try:
        Database(f"sqlite:///{tmp_path / 'var' / 'console.db'}").dispose()
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "var").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "var" / "console.db").stat().st_mode) == 0o600


browser = browser_fixture(ARTIFACTS / "gateway")


@pytest.mark.slow
def test_the_pages_run_under_their_policy_without_a_single_violation(browser) -> None:
    """Chromium reports every blocked style or script; the demo page, the widget and the
    console's login must need nothing the policy forbids."""
    with served(create_app(Settings(rasa_url=closed_port_url()))) as url:
        page = browser.new_page()
        reports: list[str] = []
        page.on("console", lambda message: reports.append(message.text))
        page.goto(url)
        page.get_by_role("button", name="Czat z asystentem").click()
        page.get_by_label("Wiadomość", exact=True).wait_for()
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(255, 255, 255)"  # the inline style applied (by its hash)
        page.goto(f"{url}/console/login")
        page.get_by_label("Hasło").wait_for()
        page.close()
    assert not [r for r in reports if "Content Security Policy" in r], reports


def test_a_world_readable_database_from_before_becomes_private(tmp_path: Path) -> None:
    old = tmp_path / "console.db"
    old.touch(mode=0o644)
    old.chmod(0o644)
    Database(f"sqlite:///{old}").dispose()
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
