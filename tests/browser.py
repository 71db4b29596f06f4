"""Debian's Chromium through Playwright, shared by the real-browser tests (tests/*/test_browser.py).

`make browser` installs Chromium. Without it a browser test is skipped, or fails under CI.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

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
