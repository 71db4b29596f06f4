"""The conversation review in Debian's Chromium, as a supervisor uses it: the list filtered to
problems with the page's own form, personal data masked in the list and the transcript, a
misunderstood message flagged through the form, the analytics charts with Polish intent titles,
and axe-core's rules on every page. Screenshots: tests/artifacts/review/.

The gateway app runs in-process under uvicorn (Rasa down: the review reads only the tracker
store), on a GENERATED tracker store (tests/review/conftest.py) that REVIEW_TRACKER_URL points to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.app import create_app
from bot.gateway.config import Settings
from bot.storage.models import ReviewFlag, Role
from tests.browser import (
    AXE_NEED,
    TIMEOUT_MS,
    browser_fixture,
    expect_text,
    serious_axe_violations,
    served,
)
from tests.conftest import ARTIFACTS
from tests.console.conftest import migrated_url
from tests.gateway.conftest import closed_port_url
from tests.review.conftest import NOW, Turn, add_conversation, add_tickets
from tests.review.test_masking import GOOD_PESEL

pytestmark = pytest.mark.slow

SHOTS = ARTIFACTS / "review"
browser = browser_fixture(SHOTS, AXE_NEED)

PASSWORD = "bardzo-tajne-haslo-1"
PHONE = "601 234 567"
FAILED = f"Mój PESEL to {GOOD_PESEL}, proszę o telefon pod {PHONE} w sprawie mojego wniosku"
MASKED = "Mój PESEL to [PESEL], proszę o telefon pod [telefon] w sprawie mojego wniosku"
PERSONAL = (GOOD_PESEL, PHONE, PHONE.replace(" ", ""))
PROBLEM = "zofia-2026"  # the conversation with the failed message
HELLO = Turn("dzień dobry")
CONTACT = Turn("jaki jest numer do mops", "contact_info", 0.93, action="utter_contact_info")
ADDRESS = Turn("mieszkam na józefińskiej 14", "inform_address", 0.9, action="branch_form")
BRANCH = Turn("gdzie jest moja filia", "find_branch", 0.88, action="branch_form")
SUPPORT = Turn("czy jest grupa wsparcia", "support", 0.81, action="utter_support")
THANKS = Turn("dziękuję bardzo", "thank", 0.97, action="utter_thank")


@dataclass
class Review:
    url: str
    app: FastAPI


def fill(tracker) -> None:
    """Three days of conversations; one failed, with a PESEL and a phone number."""
    specs = [  # sender, hours before NOW, channel, turns, district
        ("r01", 50, "rest", [HELLO, CONTACT, THANKS], None),
        ("r02", 49, "facebook", [BRANCH, ADDRESS], "XIII"),
        ("r03", 30, "rest", [HELLO, SUPPORT], None),
        ("r04", 28, "rest", [BRANCH, ADDRESS, THANKS], "V"),
        ("r05", 26, "facebook", [HELLO, CONTACT], None),
        ("r06", 5, "rest", [SUPPORT, THANKS], None),
        ("r07", 4, "rest", [BRANCH, ADDRESS], "XIII"),
        ("r08", 3, "facebook", [HELLO], None),
    ]
    for sender, hours, channel, turns, district in specs:
        start = NOW - timedelta(hours=hours)
        add_conversation(tracker, sender, start, turns, channel=channel, district=district)
    failed = Turn(FAILED, "nlu_fallback", 0.31, action="action_clarify", reply="Nie rozumiem.")
    add_conversation(tracker, PROBLEM, NOW - timedelta(hours=2), [failed, THANKS])


@pytest.fixture
def review(tmp_path: Path, tracker, tracker_url: str, monkeypatch) -> Iterator[Review]:
    monkeypatch.setenv("CONSOLE_DATABASE_URL", migrated_url(tmp_path))
    monkeypatch.setenv("CONSOLE_SECRET_KEY", "test-secret")
    monkeypatch.setenv("REVIEW_TRACKER_URL", tracker_url)
    fill(tracker)
    app = create_app(Settings(rasa_url=closed_port_url()))
    console = app.state.console
    console.accounts.create("szef", "Szef", Role.supervisor, PASSWORD, actor=None)
    tickets = []  # handed over: waited 2 min, still waiting
    for sender, hours, waited in (("r07", 4, 2), (PROBLEM, 2, None)):
        start = (NOW - timedelta(hours=hours, minutes=-5)).replace(tzinfo=None)
        tickets.append((sender, start, start + timedelta(minutes=waited) if waited else None))
    add_tickets(console.db, tickets)
    with served(app) as url:
        yield Review(url, app)


def no_personal_data(page) -> None:
    html = page.content()
    assert not [value for value in PERSONAL if value in html], page.url


def axe_clean(page) -> None:
    violations = serious_axe_violations(page)
    assert violations == [], f"{page.url}:\n" + "\n".join(violations)


def test_supervisor_filters_reads_flags_and_sees_charts(browser, review: Review) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(  # bypass_csp: the console's CSP would refuse axe's script
        viewport={"width": 1280, "height": 900},
        locale="pl-PL",
        base_url=review.url,
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto("/console/login")
    page.get_by_label("Login").fill("szef")
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj").click()
    page.wait_for_url(re.compile(r"/console/queue$"))

    # the list, filtered to problems with the page's own form
    page.get_by_role("navigation", name="Menu konsoli").get_by_role(
        "link", name="Przegląd rozmów"
    ).click()
    expect(page.get_by_role("heading", name="Przegląd rozmów")).to_be_visible()
    rows = page.locator("#conversations tbody tr")
    expect(rows).to_have_count(9)
    page.get_by_label("Niska pewność lub fallback").select_option(label="tak")
    page.get_by_role("button", name="Filtruj").click()
    page.wait_for_url(re.compile(r"[?&]trouble=1"))
    expect(rows).to_have_count(1)
    expect_text(rows.first, MASKED)
    expect_text(rows.first, "fallback")
    no_personal_data(page)
    axe_clean(page)
    page.screenshot(path=SHOTS / "list.png", full_page=True)

    # the transcript: masked; the failed message flagged with the intent it should have had
    rows.first.get_by_role("link").first.click()
    page.wait_for_url(re.compile(rf"/console/review/c/{PROBLEM}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(PROBLEM)
    message = page.locator("li").filter(has_text=MASKED)
    expect(message).to_have_count(1)
    expect_text(message, "nlu_fallback")
    no_personal_data(page)
    message.get_by_role("combobox").select_option("leave_contact")
    message.get_by_role("button", name="Oznacz").click()
    expect_text(page.get_by_role("status"), "Wiadomość została oznaczona jako źle zrozumiana.")
    message = page.locator("li").filter(has_text=MASKED)
    expect_text(message, "powinno być leave_contact")
    with review.app.state.console.db.sessions() as session:
        flags = session.scalars(select(ReviewFlag)).all()
        assert [(f.conversation_id, f.correct_intent) for f in flags] == [
            (PROBLEM, "leave_contact")
        ]
    no_personal_data(page)
    axe_clean(page)
    page.screenshot(path=SHOTS / "transcript.png", full_page=True)

    # analytics: the charts, intents by their Polish titles (raw names beside them)
    page.get_by_role("link", name="Przegląd rozmów").first.click()
    page.get_by_role("link", name="Statystyki i wykresy").click()
    page.wait_for_url(re.compile(r"/console/review/analytics"))
    expect(page.get_by_role("heading", name="Statystyki rozmów")).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(7)
    intents = page.locator("section#intents")
    for title, raw in (
        ("Powitanie", "greet"),
        ("Znajdź swoją filię", "find_branch"),
        ("Formy wsparcia", "support"),
        ("Niezrozumiane", "nlu_fallback"),
    ):
        expect(intents.get_by_role("link", name=title, exact=True)).to_have_attribute(
            "href", re.compile(rf"intent={raw}$")
        )
        expect(intents.locator("code", has_text=raw)).to_have_count(1)
    chart = intents.get_by_role("group", name="Najczęstsze intencje")
    labels = chart.locator("text").all_text_contents()
    assert "Powitanie" in labels and "greet" not in labels, labels
    expect(page.get_by_role("group", name="Rozmowy dziennie")).to_be_visible()
    axe_clean(page)
    page.screenshot(path=SHOTS / "analytics.png", full_page=True)

    # a bar's table link opens the list of exactly those conversations
    intents.get_by_role("link", name="Niezrozumiane", exact=True).click()
    page.wait_for_url(re.compile(r"/console/review\?.*intent=nlu_fallback"))
    expect(rows).to_have_count(1)
    expect_text(rows.first, MASKED)
    context.close()
