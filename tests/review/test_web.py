"""The review pages as staff see them: masked list and transcript, filters, paging, exports,
supervisor-only unmasking and deletion, flags and the NLU export; every step audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.gateway.app import create_app
from bot.gateway.config import Settings
from bot.storage.models import AuditEntry, Role
from tests.console.test_web import PASSWORD, csrf_of
from tests.gateway.conftest import closed_port_url
from tests.review.conftest import NOW, Turn, add_conversation
from tests.review.test_masking import GOOD_PESEL

PESEL_TEXT = f"mój pesel {GOOD_PESEL}, mail jan@wp.pl"


@pytest.fixture
def app(tmp_path: Path, tracker, tracker_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CONSOLE_DATABASE_URL", f"sqlite:///{tmp_path / 'console.db'}")
    monkeypatch.setenv("CONSOLE_SECRET_KEY", "test-secret")
    monkeypatch.setenv("REVIEW_TRACKER_URL", tracker_url)
    add_conversation(tracker, "anna", NOW - timedelta(hours=1), [Turn(PESEL_TEXT, "inform", 0.4)])
    for n in range(55):
        add_conversation(tracker, f"c{n:02}", NOW - timedelta(days=1, minutes=n), [Turn("hej")])
    application = create_app(Settings(rasa_url=closed_port_url()))
    console = application.state.console
    for login, role in (("ania", Role.worker), ("szef", Role.supervisor)):
        console.accounts.create(login, login.capitalize(), role, PASSWORD, actor=None)
    return application


@pytest.fixture
def browser(app) -> Iterator:
    clients: list[TestClient] = []

    def login(name: str) -> tuple[TestClient, str]:
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        token = csrf_of(client.get("/console/login").text)
        form = {"login": name, "password": PASSWORD, "csrf_token": token}
        assert client.post("/console/login", data=form, follow_redirects=False).status_code == 303
        return client, csrf_of(client.get("/console/review").text)

    yield login
    for client in clients:
        client.__exit__(None, None, None)


def audit_actions(app) -> list[str]:
    with app.state.console.db.sessions() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_review_needs_login(app) -> None:
    client = TestClient(app)
    response = client.get("/console/review", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/login"


def test_list_is_masked_filtered_and_paged(app, browser) -> None:
    client, _ = browser("ania")
    page = client.get("/console/review").text
    assert "Przegląd rozmów" in page and "mój pesel [PESEL], mail [e-mail]" in page
    assert GOOD_PESEL not in page and "jan@wp.pl" not in page
    assert page.count("/console/review/c/") == 50 and "Następna strona" in page
    after = page.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = client.get(after.replace("&amp;", "&")).text
    assert second.count("/console/review/c/") == 6 and "Następna strona" not in second
    trouble = client.get("/console/review", params={"trouble": "1"}).text
    assert trouble.count("/console/review/c/") == 1
    found = client.get("/console/review", params={"q": "PESEL"}).text
    assert "/console/review/c/anna" in found and "/console/review/c/c00" not in found


def test_transcript_is_masked_and_only_a_supervisor_unmasks(app, browser) -> None:
    worker, token = browser("ania")
    page = worker.get("/console/review/c/anna").text
    assert "mój pesel [PESEL], mail [e-mail]" in page and "pewność 0.40" in page
    assert "Pokaż dane osobowe" not in page
    refused = worker.post("/console/review/c/anna/unmask", data={"csrf_token": token})
    assert refused.status_code == 403 and GOOD_PESEL not in refused.text

    boss, boss_token = browser("szef")
    no_csrf = boss.post("/console/review/c/anna/unmask")
    assert no_csrf.status_code == 403 and GOOD_PESEL not in no_csrf.text
    shown = boss.post("/console/review/c/anna/unmask", data={"csrf_token": boss_token})
    assert shown.status_code == 200 and GOOD_PESEL in shown.text
    assert shown.headers["cache-control"] == "no-store"
    actions = audit_actions(app)
    assert actions.count("review.viewed") == 1 and actions.count("review.unmasked") == 1


def test_exports_are_masked_and_audited(app, browser) -> None:
    client, _ = browser("ania")
    csv_text = client.get("/console/review/export.csv", params={"trouble": "1"}).text
    lines = csv_text.strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("rozmowa,kanał,")
    assert len(lines) == 2 and "[PESEL]" in lines[1] and GOOD_PESEL not in csv_text
    data = json.loads(client.get("/console/review/export.json").text)
    assert len(data) == 56 and data[0]["preview"] == "mój pesel [PESEL], mail [e-mail]"
    assert audit_actions(app).count("review.exported") == 2


def test_reviewed_flag_and_nlu_export(app, browser) -> None:
    client, token = browser("ania")
    done = client.post("/console/review/c/anna/reviewed", data={"csrf_token": token})
    assert "Rozmowa została oznaczona jako przejrzana." in done.text
    assert "/c/anna" in client.get("/console/review", params={"reviewed": "1"}).text
    page = client.get("/console/review/c/anna").text
    event_id = page.split('name="event_id" value="')[1].split('"')[0]
    form = {"csrf_token": token, "event_id": event_id, "intent": "greet"}
    flagged = client.post("/console/review/c/anna/flag", data=form)
    assert "oznaczono: powinno być greet" in flagged.text
    bad = client.post("/console/review/c/anna/flag", data={**form, "intent": "no_such"})
    assert bad.status_code == 400
    nlu = yaml.safe_load(client.get("/console/review/flags/nlu.yml").text)
    assert nlu["version"] == "3.1"
    assert nlu["nlu"] == [{"intent": "greet", "examples": "- mój pesel [PESEL], mail [e-mail]\n"}]


def test_supervisor_deletes_a_conversation(app, browser) -> None:
    worker, token = browser("ania")
    assert (
        worker.post("/console/review/c/anna/delete", data={"csrf_token": token}).status_code == 403
    )
    boss, boss_token = browser("szef")
    gone = boss.post("/console/review/c/anna/delete", data={"csrf_token": boss_token})
    assert "Rozmowa została usunięta." in gone.text and "/c/anna" not in gone.text
    assert boss.get("/console/review/c/anna").status_code == 404
    assert "review.deleted" in audit_actions(app)
