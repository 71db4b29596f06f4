"""The analytics page's aggregates on generated data (exact counts per Kraków day, channel, intent
and district, rates, waiting times), its links (each opens the list with exactly what it counts),
and the page itself (login, audit)."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml
from fastapi.testclient import TestClient

from bot.review.analytics import Analytics, compute
from bot.review.conversations import ConversationIndex
from bot.review.filters import Filters
from bot.review.routes.charts import INTENT_TITLES, charts, intent_title
from tests.conftest import ROOT
from tests.review.conftest import Turn, add_conversation, add_tickets
from tests.review.test_web import app, audit_actions, browser  # noqa: F401  (fixtures)

GREET = Turn("dzień dobry")
ADDRESS = Turn("mieszkam na józefińskiej 14", "inform_address", 0.9)
UNSURE_ADDRESS = Turn("gdzieś w podgórzu", "inform_address", 0.5)
FALLBACK = Turn("ile wynosi zasiłek celowy", "nlu_fallback", 0.3)
# sender, start (UTC), channel, turns, district; November: Kraków is UTC+1
SPECS = [
    ("a1", datetime(2026, 11, 20, 9), "rest", [GREET], None),
    ("a2", datetime(2026, 11, 20, 10), "facebook", [ADDRESS], "XIII"),
    ("a3", datetime(2026, 11, 20, 11), "rest", [FALLBACK], None),
    ("b1", datetime(2026, 11, 21, 9), "rest", [GREET, ADDRESS], "V"),
    ("b2", datetime(2026, 11, 21, 23, 30), "facebook", [GREET], None),  # 00:30 on 22.11
    ("c1", datetime(2026, 11, 22, 8), "rest", [UNSURE_ADDRESS], "XIII"),
    ("c2", datetime(2026, 11, 22, 9), "rest", [GREET], None),
]
D20, D21, D22 = date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)


@pytest.fixture
def filled(index: ConversationIndex, tracker) -> ConversationIndex:
    for sender, start, channel, turns, district in SPECS:
        add_conversation(tracker, sender, start, turns, channel=channel, district=district)
    tickets = [  # conversation, created, claimed: 30 s, 10 min, still waiting
        ("a2", datetime(2026, 11, 20, 10, 5), datetime(2026, 11, 20, 10, 5, 30)),
        ("c1", datetime(2026, 11, 22, 8, 5), datetime(2026, 11, 22, 8, 15)),
        ("c2", datetime(2026, 11, 22, 9, 5), None),
    ]
    add_tickets(index.db, tickets)
    index.sync()
    return index


@pytest.mark.databases("sqlite", "postgresql")
def test_counts_per_day_channel_intent_and_district(filled: ConversationIndex) -> None:
    data = compute(filled.db)
    assert [(d.day, d.conversations, d.trouble, d.handed) for d in data.days] == [
        (D20, 3, 1, 1),
        (D21, 1, 0, 0),
        (D22, 3, 1, 2),
    ]
    assert (data.total, data.trouble, data.handed) == (7, 2, 3)
    assert data.channels == [("rest", 5), ("facebook", 2)]
    assert data.intents == [("greet", 4), ("inform_address", 3), ("nlu_fallback", 1)]
    assert data.districts == [("XIII", 2), ("V", 1)]
    waiting = data.waiting
    assert dict(waiting.buckets) == {
        "do 1 min": 1,
        "1–5 min": 0,
        "5–15 min": 1,
        "15–60 min": 0,
        "ponad godzinę": 0,
    }
    assert (waiting.claimed, waiting.still_waiting, waiting.unclaimed) == (1 + 1, 1, 0)
    assert waiting.median_seconds == pytest.approx(315, abs=0.5)
    assert waiting.average_seconds == pytest.approx(315, abs=0.5)


@pytest.mark.databases("sqlite", "postgresql")
def test_date_range_uses_krakow_days(filled: ConversationIndex) -> None:
    one = compute(filled.db, D21, D21)
    assert [(d.day, d.conversations) for d in one.days] == [(D21, 1)]  # b2 is 22.11 in Kraków
    assert one.channels == [("rest", 1)] and one.waiting.claimed == 0
    last = compute(filled.db, D22, D22)
    assert last.total == 3 and last.handed == 2 and last.districts == [("XIII", 1)]
    assert (last.waiting.claimed, last.waiting.still_waiting) == (1, 1)
    assert last.waiting.median_seconds == pytest.approx(600, abs=0.5)
    week = compute(filled.db, date(2026, 11, 18), D22)  # days without conversations shown as 0
    assert [d.conversations for d in week.days] == [0, 0, 3, 1, 3]
    assert compute(filled.db, date(2025, 1, 1), date(2025, 1, 2)).total == 0


def _filters(href: str) -> Filters:
    parts = urlsplit(href)
    assert parts.path == "/console/review"
    return Filters.from_query(dict(parse_qsl(parts.query)))


def _listed(index: ConversationIndex, href: str) -> int:
    return sum(1 for _ in index.iterate(_filters(href)))


@pytest.mark.databases("sqlite", "postgresql")
def test_every_link_opens_exactly_what_it_counts(filled: ConversationIndex) -> None:
    data: Analytics = compute(filled.db, D20, D22)
    by_key = {chart.key: chart for chart in charts(data)}
    assert set(by_key) == {
        "per-day",
        "per-channel",
        "intents",
        "trouble",
        "handed",
        "waiting",
        "districts",
    }
    day22 = by_key["per-day"].bars[2]
    assert day22.href == "/console/review?from=2026-11-22&to=2026-11-22"
    facebook = next(b for b in by_key["per-channel"].bars if b.label == "Messenger")
    assert facebook.href == "/console/review?from=2026-11-20&to=2026-11-22&channel=facebook"
    intents = by_key["intents"].bars  # Polish titles, each linked by its raw intent name
    assert [(b.label, b.code) for b in intents] == [
        ("Powitanie", "greet"),
        ("Podanie adresu", "inform_address"),
        ("Niezrozumiane", "nlu_fallback"),
    ]
    assert [_filters(b.href).intent for b in intents] == ["greet", "inform_address", "nlu_fallback"]
    for key in ("per-day", "per-channel", "intents"):
        for bar in by_key[key].bars:
            assert _listed(filled, bar.href) == bar.value, (key, bar)
    for key in ("trouble", "handed"):
        for bar, day in zip(by_key[key].bars, data.days, strict=True):
            counted = day.trouble if key == "trouble" else day.handed
            assert _listed(filled, bar.href) == counted
            assert bar.note == f"{counted} z {day.conversations}"
    assert [b.value for b in by_key["trouble"].bars] == [33.3, 0.0, 33.3]
    assert [b.value for b in by_key["handed"].bars] == [33.3, 0.0, 66.7]
    assert _filters(by_key["handed"].href) == Filters(date_from=D20, date_to=D22, handed=True)
    assert _listed(filled, by_key["districts"].href) == 3
    districts = by_key["districts"].bars  # each district's bar opens its conversations
    assert [(b.label, _listed(filled, b.href)) for b in districts] == [
        ("XIII Podgórze", 2),
        ("V Krowodrza", 1),
    ]
    assert _filters(by_key["waiting"].href).handed is True


def test_page_needs_login(app) -> None:  # noqa: F811
    client = TestClient(app)
    response = client.get("/console/review/analytics", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/login"


def test_page_shows_svg_charts_with_numbers_and_is_audited(app, browser) -> None:  # noqa: F811
    client, _ = browser("ania")
    assert "/console/review/analytics?" in client.get("/console/review").text
    response = client.get("/console/review/analytics", params={"from": "2026-11-21", "to": ""})
    page = response.text
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert "Statystyki rozmów" in page and page.count("<svg") == 6  # no district found in this data
    assert '<title id="per-day-title">Rozmowy dziennie</title>' in page
    assert 'aria-labelledby="per-day-title" aria-describedby="per-day-desc"' in page
    assert "21.11: 55; 22.11: 1." in page  # the numbers in the chart's description
    assert 'href="/console/review?from=2026-11-21&amp;to=2026-11-21"' in page
    assert 'href="/console/review?from=2026-11-22&amp;to=2026-11-22&amp;trouble=1"' in page
    # intents by their Polish title, the raw name beside it for those preparing training data
    greet = '<a href="/console/review?from=2026-11-21&amp;intent=greet">Powitanie</a>'
    assert f"{greet} <code>greet</code>" in page
    assert "<title>Powitanie (greet): 55</title>" in page
    assert '<a href="/console/review?from=2026-11-21&amp;intent=inform">inform</a></td>' in page
    assert "<script" not in page and "http://" not in page.replace('"http://www.w3.org', "")
    assert audit_actions(app).count("review.analytics_viewed") == 1


@pytest.mark.usefixtures("app")
def test_empty_range_renders(browser) -> None:  # noqa: F811
    client, _ = browser("ania")
    page = client.get(
        "/console/review/analytics", params={"from": "2020-01-01", "to": "2020-01-01"}
    )
    assert page.status_code == 200 and "Rozmowy w okresie: <strong>0</strong>" in page.text


def domain_intents() -> list[str]:
    """Every intent domain.yml lists (read here, not through the code under test)."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]]


def test_every_intent_has_a_polish_title() -> None:
    """A new intent in domain.yml needs a title in data/topics.yml or INTENT_TITLES."""
    intents = domain_intents() + ["nlu_fallback"]
    assert len(intents) > 20
    untitled = [i for i in intents if intent_title(i) in ("", i)]
    assert untitled == [], "add a Polish title to bot/review/analytics.py INTENT_TITLES"
    assert set(INTENT_TITLES) <= set(intents), "titles of intents no longer in domain.yml"
    assert intent_title("greet") == "Powitanie"
    assert intent_title("contact_info") == "Kontakt z MOPS"  # data/topics.yml
    assert intent_title("support") == "Formy wsparcia"
    assert intent_title("support/therapy") == "Terapia"  # a retrieval intent's own topic
    assert intent_title("no_such_intent") == "no_such_intent"
