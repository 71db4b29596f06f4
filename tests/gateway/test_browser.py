"""The demo page in Debian's Chromium: chat, quick reply, reload, dropped connection, keyboard,
phone and 200% zoom, and axe-core's accessibility rules. Screenshots: tests/artifacts/gateway/.

`make test` installs Chromium (`make browser`) and axe-core (`make axe`) first.
"""

from __future__ import annotations

import json
import os
import re

import httpx
import pytest

from bot.storage import Database
from tests.browser import (
    AXE_NEED,
    TIMEOUT_MS,
    browser_fixture,
    expect_text,
    serious_axe_violations,
)
from tests.conftest import ARTIFACTS
from tests.staff_client import Worker, ensure_workers

pytestmark = pytest.mark.slow

SHOTS = ARTIFACTS / "gateway"
browser = browser_fixture(SHOTS, AXE_NEED)


def chat(page):
    """The widget's parts, found as a person finds them: by role and label."""
    return {
        "log": page.get_by_role("log", name="Rozmowa z asystentem"),
        "input": page.get_by_label("Wiadomość", exact=True),
        "launcher": page.get_by_role("button", name="Czat z asystentem"),
    }


def test_resident_chats_clicks_reloads_and_survives_a_dropped_connection(
    browser, gateway_url: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="pl-PL")
    page = context.new_page()
    sockets: list = []
    down = {"on": False}

    def route(ws) -> None:  # every widget connection passes here, so the test can cut it
        if down["on"]:
            ws.close(code=1012)
            return
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket(re.compile(r"/ws/"), route)
    page.goto(gateway_url)
    widget = chat(page)
    page.screenshot(path=SHOTS / "01-demo-page.png")
    widget["launcher"].click()
    expect_text(page.get_by_role("dialog"), "To automatyczny asystent")
    widget["input"].fill("Dzień dobry")
    widget["input"].press("Enter")
    expect_text(widget["log"], "Jestem automatycznym asystentem")
    page.screenshot(path=SHOTS / "02-greeting-with-buttons.png")

    page.get_by_role("button", name="Kontakt z MOPS").click()
    expect_text(widget["log"], "12 616 54 08")
    assert page.get_by_role("button", name="Kontakt z MOPS").count() == 0  # answered ones go
    page.screenshot(path=SHOTS / "03-after-quick-reply.png")

    page.reload()
    expect_text(widget["log"], "Kontakt z MOPS")  # the clicked title, from the history
    expect_text(widget["log"], "12 616 54 08")
    page.screenshot(path=SHOTS / "04-after-reload.png")

    # the connection drops; meanwhile the conversation goes on elsewhere and the resident writes
    session = page.evaluate(
        "Object.entries(localStorage).find(([k]) => k.startsWith('mops-chat:'))[1]"
    )
    session_id = json.loads(session)["session"]
    down["on"] = True
    sockets[-1].close(code=1012)
    expect_text(page.get_by_role("status").filter(has_text="Połączenie"), "Ponowne łączenie")
    httpx.post(
        f"{gateway_url}/api/sessions/{session_id}/messages",
        json={"text": "Ile osób skorzystało z Pory na aktywność?"},
        timeout=60,
    ).raise_for_status()
    widget["input"].fill("czy moge sie jeszcze zapisac do cogito")
    widget["input"].press("Enter")
    page.screenshot(path=SHOTS / "05-connection-dropped.png")
    down["on"] = False
    expect_text(widget["log"], "3 617")  # missed while away
    expect_text(widget["log"], "nie można już")  # the message written while away was sent
    page.screenshot(path=SHOTS / "06-reconnected.png")

    violations = serious_axe_violations(page)
    assert not violations, "\n".join(violations)

    page.get_by_role("button", name="Nowa rozmowa").click()
    status = page.get_by_role("status").filter(has_text="nową rozmowę")
    expect_text(status, "Rozpoczęto nową rozmowę")
    assert "12 616 54 08" not in widget["log"].inner_text()
    context.close()


def test_keyboard_only_use_with_focus_handling(browser, gateway_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="pl-PL")
    page = context.new_page()
    page.goto(gateway_url)
    widget = chat(page)
    for _ in range(15):  # Tab through the page to the chat button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").endswith("Czat z asystentem"):
            break
    else:
        pytest.fail("the chat button cannot be reached with Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "mops-chat-input"
    page.keyboard.type("Dzień dobry")
    page.keyboard.press("Enter")
    expect_text(widget["log"], "Jestem automatycznym asystentem")
    # the quick replies come just before the input: Shift+Tab reaches the last one
    page.get_by_role("button", name="Rozmowa z pracownikiem").wait_for(timeout=TIMEOUT_MS)
    page.keyboard.press("Shift+Tab")
    focused = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    expect_text(widget["log"].locator(".mops-chat__msg--user").last, focused)
    assert page.evaluate("document.activeElement.id") == "mops-chat-input"
    # what anyone writes is shown as text, never as HTML; links open safely in a new tab
    page.keyboard.type('<img src=x onerror="document.title=1"><b>gruby</b> www.mops.krakow.pl')
    page.keyboard.press("Enter")
    mine = widget["log"].locator(".mops-chat__msg--user").last
    expect_text(mine, '<img src=x onerror="document.title=1"><b>gruby</b>')
    assert widget["log"].locator("img, b").count() == 0
    link = mine.get_by_role("link", name=re.compile("www.mops.krakow.pl"))
    assert link.get_attribute("href") == "https://www.mops.krakow.pl"
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel")
    page.screenshot(path=SHOTS / "07-keyboard.png")
    page.keyboard.press("Escape")
    assert page.get_by_role("dialog").count() == 0
    assert page.evaluate("document.activeElement.textContent").endswith("Czat z asystentem")
    context.close()


@pytest.mark.parametrize(
    "name, viewport",
    [("phone", {"width": 390, "height": 844}), ("zoom-200", {"width": 640, "height": 400})],
)
def test_usable_on_a_phone_and_at_200_percent_zoom(
    browser, gateway_url: str, name: str, viewport: dict
) -> None:
    """200% zoom of a 1280×800 window is a 640×400 CSS viewport."""
    context = browser.new_context(viewport=viewport, locale="pl-PL", has_touch=name == "phone")
    page = context.new_page()
    page.goto(gateway_url)
    widget = chat(page)
    widget["launcher"].click()
    widget["input"].fill("czy moge dostac asystenta rodzinnego?")
    widget["input"].press("Enter")
    expect_text(widget["log"], "pracownika socjalnego")
    for part in (widget["input"], page.get_by_role("button", name="Wyślij"), widget["log"]):
        box = part.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"] + 1
    scroll_width = page.evaluate("document.querySelector('.mops-chat__panel').scrollWidth")
    assert scroll_width <= viewport["width"]  # no sideways scrolling inside the chat
    page.screenshot(path=SHOTS / f"08-{name}.png")
    context.close()


def test_a_workers_reply_appears_in_the_widget_with_their_name(browser, gateway_url: str) -> None:
    db = Database(os.environ["CONSOLE_DATABASE_URL"])
    ensure_workers(db, "ania")
    db.dispose()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="pl-PL")
    page = context.new_page()
    page.goto(gateway_url)
    widget = chat(page)
    widget["launcher"].click()
    widget["input"].fill("chcę rozmawiać z pracownikiem")
    widget["input"].press("Enter")
    page.get_by_role("button", name="Tak, proszę").click()
    expect_text(widget["log"], "w jednym zdaniu")
    widget["input"].fill("Nie dostałam zasiłku za ten miesiąc")
    widget["input"].press("Enter")
    expect_text(widget["log"], "Miejsce w kolejce")
    page.screenshot(path=SHOTS / "08-handoff-queued.png")

    ania = Worker(gateway_url, "ania")
    session = json.loads(
        page.evaluate("Object.entries(localStorage).find(([k]) => k.startsWith('mops-chat:'))[1]")
    )["session"]
    ticket = next(t for t in ania.queue() if t["conversation_id"] == session)
    ania.act(ticket["id"], "claim")
    ania.act(ticket["id"], "reply", text="Dzień dobry, tu Ania. Już sprawdzam.")
    worker = widget["log"].locator(".mops-chat__msg--worker").last
    expect_text(worker, "Dzień dobry, tu Ania. Już sprawdzam.")
    expect_text(worker.locator(".mops-chat__author"), "Ania, pracownik MOPS")
    page.screenshot(path=SHOTS / "09-worker-reply.png")
    violations = serious_axe_violations(page)
    assert not violations, "\n".join(violations)

    ania.act(ticket["id"], "give-back")
    expect_text(widget["log"], "Znów odpowiada asystent")
    context.close()
