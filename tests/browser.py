"""Debian's Chromium through Playwright, shared by the real-browser tests (tests/*/test_browser.py).

`make browser` installs Chromium. Without it a browser test is skipped, or fails under CI.
Also here: `served` (the gateway app under uvicorn in a thread) and `serious_axe_violations`
(axe-core, which `make axe` installs).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from tests.conftest import ROOT, free_port

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000
AXE_JS = Path(os.environ.get("AXE_JS", ROOT / "var/node/node_modules/axe-core/axe.min.js"))
AXE_NEED = (AXE_JS, "`make axe` installs it")  # for `require` and `browser_fixture`


def require(*needs: tuple[Path, str]) -> None:
    """Skip (fail under CI) when Chromium or another file the test needs, `(path, how to get
    it)`, is missing."""
    for path, how in ((CHROMIUM, "`make browser` installs it"), *needs):
        if not path.exists():
            message = f"{path} missing: {how}"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)


def browser_fixture(shots: Path, *needs: tuple[Path, str]) -> Callable[[], Iterator]:
    """A module-scoped `browser` fixture: Chromium launched once per module, its screenshots
    going to `shots`; `needs` as for `require`."""

    @pytest.fixture(scope="module")
    def browser() -> Iterator:
        require(*needs)
        from playwright.sync_api import sync_playwright

        shots.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
            yield launched
            launched.close()

    return browser


def expect_text(locator, text: str) -> None:
    from playwright.sync_api import expect

    expect(locator).to_contain_text(text, timeout=TIMEOUT_MS)


@contextmanager
def served(app) -> Iterator[str]:
    """`app` (the gateway) served in-process by uvicorn in a thread on a free port, its URL
    while open. ws="wsproto" as in bot/gateway/__main__.py (Rasa pins websockets)."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="wsproto")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=2).is_success:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail(f"the gateway did not start on {url}")
        time.sleep(0.1)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def serious_axe_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now (WCAG 2.1 A/AA and
    best practice), one line each."""
    # Evaluated by the browser's debugger, not as an inline <script>: the pages' Content Security
    # Policy (rightly) blocks inline scripts, and axe must audit the page as residents get it.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a',"
        " 'wcag21aa', 'best-practice']})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
