"""The staff console in Debian's Chromium: what a resident wrote (or the summary made of it) is
shown as text, never run or rendered as HTML – in the server-rendered queue and ticket pages and
after their polling scripts (queue.js, ticket.js) redraw them. Screenshots:
tests/artifacts/console/.

The gateway app runs in-process under uvicorn with Rasa down, and the console polls every second.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from bot.app import create_app
from bot.gateway.config import Settings
from bot.gateway.sessions import new_session_id
from bot.storage.models import Role
from tests.browser import TIMEOUT_MS, browser_fixture, expect_text, served
from tests.conftest import ARTIFACTS
from tests.console.conftest import migrated_url
from tests.gateway.conftest import closed_port_url

pytestmark = pytest.mark.slow

SHOTS = ARTIFACTS / "console"
browser = browser_fixture(SHOTS)

PASSWORD = "bardzo-tajne-haslo-1"
POLL_SECONDS = 1
SESSION = new_session_id()  # the gateway accepts only web ids it issued
OTHER_SESSION = new_session_id()
SAID = '<script>window.__pwned = 1</script><b>pomocy</b><img src=x onerror="window.__pwned=2">'
SUMMARY = '<img src=x onerror="window.__pwned=3">Zasiłek'
OTHER_SUMMARY = '<svg onload="alert(4)"></svg>Mieszkanie'
SAID_LATER = '<svg onload="alert(5)"></svg><i>jeszcze</i><img src=x onerror="window.__pwned=6">'
MARKUP = "img, b, i, svg, script"  # what the payloads would create if rendered as HTML


@dataclass
class ServedConsole:
    """The gateway (with its console) served over HTTP, and the ticket of SESSION."""

    url: str
    app: FastAPI
    ticket_id: int


@pytest.fixture
def console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServedConsole]:
    monkeypatch.setenv("CONSOLE_DATABASE_URL", migrated_url(tmp_path))
    monkeypatch.setenv("CONSOLE_SECRET_KEY", "test-secret")
    app = create_app(Settings(rasa_url=closed_port_url()))
    state = app.state.console
    # The pages read the poll interval at request time; it has no environment variable.
    state.settings = dataclasses.replace(state.settings, poll_seconds=POLL_SECONDS)
    state.accounts.create("ania", "Ania", Role.worker, PASSWORD, actor=None)
    app.state.hub.seed(SESSION, [{"role": "user", "text": SAID, "buttons": []}])
    ticket = state.tickets.open(SESSION, "web", SUMMARY)

    with served(app) as url:
        yield ServedConsole(url, app, ticket.id)


class Watched:
    """A page with the traces that rendered markup would leave: dialogs (alert), image requests
    for the payloads' `src=x`. While `held`, the console's JSON polls fail (the scripts try
    again at the next tick), so the checks see the HTML exactly as the server rendered it."""

    def __init__(self, browser, base_url: str) -> None:
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 800}, locale="pl-PL", base_url=base_url
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.dialogs: list[str] = []
        self.images: list[str] = []
        self.held = True
        self.page.on("dialog", self._dialog)
        self.page.on("request", self._request)
        self.page.route(re.compile(r"/console/api/"), self._poll)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request) -> None:
        if request.url.rsplit("/", 1)[-1] == "x":
            self.images.append(request.url)

    def _poll(self, route) -> None:
        if self.held:
            route.abort()
        else:
            route.continue_()

    def log_in(self) -> None:
        page = self.page
        page.goto("/console/login")
        page.get_by_label("Login").fill("ania")
        page.get_by_label("Hasło").fill(PASSWORD)
        page.get_by_role("button", name="Zaloguj").click()
        page.wait_for_url(re.compile(r"/console/queue$"))

    def mark_drawn(self, selector: str) -> None:
        """Tag what is shown now, so that `wait_redrawn` sees the script replace it."""
        self.page.eval_on_selector_all(selector, "els => els.forEach(e => e.dataset.old = '1')")

    def wait_redrawn(self, selector: str) -> None:
        self.page.wait_for_function(
            "sel => document.querySelector(sel) && !document.querySelector(sel + '[data-old]')",
            arg=selector,
        )

    def assert_nothing_ran(self, container: str) -> None:
        page = self.page
        assert page.locator(container).locator(MARKUP).count() == 0, page.inner_html(container)
        assert page.evaluate("window.__pwned") is None
        assert self.dialogs == []
        assert self.images == []


def test_queue_shows_summaries_as_text_before_and_after_polling(browser, console) -> None:
    watched = Watched(browser, console.url)
    page = watched.page
    watched.log_in()
    summary = page.locator("#queue tbody tr").first.locator("td").nth(4)
    assert summary.text_content() == SUMMARY  # as the server rendered it
    watched.assert_nothing_ran("#queue")

    # a second resident waits meanwhile: their row comes only from queue.js
    console.app.state.console.tickets.open(OTHER_SESSION, "web", OTHER_SUMMARY)
    watched.mark_drawn("#queue tbody tr")
    watched.held = False
    watched.wait_redrawn("#queue tbody tr")
    rows = page.locator("#queue tbody tr")
    expect_text(rows.nth(1), "Mieszkanie")
    assert rows.count() == 2
    assert rows.nth(0).locator("td").nth(4).text_content() == SUMMARY
    assert rows.nth(1).locator("td").nth(4).text_content() == OTHER_SUMMARY
    page.wait_for_timeout(POLL_SECONDS * 1000 + 500)  # and the next redraw
    watched.assert_nothing_ran("#queue")
    page.screenshot(path=SHOTS / "queue.png", full_page=True)
    watched.context.close()


def test_ticket_shows_the_conversation_as_text_before_and_after_polling(browser, console) -> None:
    from playwright.sync_api import expect

    watched = Watched(browser, console.url)
    page = watched.page
    watched.log_in()
    page.goto(f"/console/tickets/{console.ticket_id}")
    transcript = page.locator("#transcript")
    first = transcript.locator("li .text").first
    assert first.text_content() == SAID  # as the server rendered it
    assert page.locator("dd").filter(has_text="Zasiłek").text_content() == SUMMARY
    watched.assert_nothing_ran("#transcript")
    watched.assert_nothing_ran("main")

    watched.mark_drawn("#transcript li")
    watched.held = False
    watched.wait_redrawn("#transcript li")  # the first poll always draws the list again
    assert first.text_content() == SAID
    watched.assert_nothing_ran("#transcript")

    # the resident writes again (Rasa is down: the gateway apologises); only ticket.js shows it
    response = httpx.post(
        f"{console.url}/api/sessions/{SESSION}/messages", json={"text": SAID_LATER}, timeout=30
    )
    response.raise_for_status()
    expect(transcript.locator("li")).to_have_count(1 + len(response.json()["messages"]))
    said_later = transcript.locator("li.user .text").filter(has_text="jeszcze")
    assert said_later.text_content() == SAID_LATER
    watched.assert_nothing_ran("#transcript")

    # the resident goes back to the assistant: the status is redrawn, the transcript stays text
    assert page.get_by_role("button", name="Przejmij rozmowę").is_visible()
    console.app.state.console.tickets.cancel(SESSION)
    expect_text(page.locator("#ticket-status"), "mieszkaniec wrócił do asystenta")
    page.wait_for_timeout(POLL_SECONDS * 1000 + 500)  # and the next poll
    assert first.text_content() == SAID
    assert said_later.text_content() == SAID_LATER
    # the ticket has ended: its buttons („Przejmij rozmowę”) are gone without a reload
    claim = page.locator("form.ticket-action button", has_text="Przejmij rozmowę")
    assert claim.count() == 1 and not claim.is_visible()
    watched.assert_nothing_ran("main")
    page.screenshot(path=SHOTS / "ticket.png", full_page=True)
    watched.context.close()
