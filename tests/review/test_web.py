"""The review pages as staff see them: masked list and transcript, filters, paging, exports,
supervisor-only unmasking and deletion, flags and the NLU export, tags and notes; every step
audited."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.app import create_app
from bot.gateway.config import Settings
from bot.staffweb.formatting import clock
from bot.storage.models import AuditEntry, ReviewNote, Role, Staff
from tests.console.conftest import migrated_url
from tests.console.test_web import PASSWORD, csrf_of
from tests.gateway.conftest import closed_port_url
from tests.review.conftest import NOW, Turn, add_conversation
from tests.review.test_masking import GOOD_PESEL

PESEL_TEXT = f"mój pesel {GOOD_PESEL}, mail jan@wp.pl"


@pytest.fixture
def app(tmp_path: Path, tracker, tracker_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CONSOLE_DATABASE_URL", migrated_url(tmp_path))
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


@pytest.mark.usefixtures("app")
def test_list_is_masked_filtered_and_paged(browser) -> None:
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


@pytest.mark.usefixtures("app")
def test_reviewed_flag_and_nlu_export(browser) -> None:
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


# --- tags, notes and the per-district filter -------------------------------------------------

NOTE = f"oddzwonić: 601 234 567, PESEL {GOOD_PESEL}, jan.kowalski@wp.pl"
MASKED_NOTE = "oddzwonić: [telefon], PESEL [PESEL], [e-mail]"


def audit_rows(app) -> list[tuple[str, str, str]]:
    """(action, target, actor's first name) of every entry."""
    query = (
        select(AuditEntry.action, AuditEntry.target, Staff.first_name)
        .outerjoin(Staff, Staff.id == AuditEntry.actor_id)
        .order_by(AuditEntry.id)
    )
    with app.state.console.db.sessions() as session:
        return [tuple(row) for row in session.execute(query)]


def notes_of(app, conversation_id: str) -> list[ReviewNote]:
    with app.state.console.db.sessions() as session:
        query = select(ReviewNote).where(
            ReviewNote.conversation_id == conversation_id, ReviewNote.tag.is_(None)
        )
        return list(session.scalars(query))


def test_tags_filter_the_list_and_are_audited(app, browser, tracker) -> None:
    add_conversation(
        tracker,
        "ewa",
        NOW - timedelta(hours=2),
        [Turn("mieszkam na wielickiej 100", "inform_address")],
        district="XII",
    )
    client, token = browser("ania")
    added = client.post("/console/review/c/anna/tags", data={"csrf_token": token, "tag": " Pilne "})
    assert added.status_code == 200 and "Dodano etykietę." in added.text
    assert '<a href="/console/review?tag=pilne">pilne</a>' in added.text
    again = client.post("/console/review/c/anna/tags", data={"csrf_token": token, "tag": "PILNE"})
    assert "Rozmowa ma już tę etykietę." in again.text
    client.post("/console/review/c/ewa/tags", data={"csrf_token": token, "tag": "pilne"})

    tagged = client.get("/console/review", params={"tag": "pilne"}).text
    assert tagged.count("/console/review/c/") == 2 and "/c/ewa" in tagged and "/c/anna" in tagged
    assert 'name="tag" maxlength="40" list="known-tags" value="pilne"' in tagged
    assert '<option value="pilne">' in tagged  # suggested in the filter
    xii = client.get("/console/review", params={"district_is": "XII"}).text
    assert xii.count("/console/review/c/") == 1 and "/c/ewa" in xii
    assert '<option value="XII" selected>XII Bieżanów-Prokocim</option>' in xii
    both = client.get("/console/review", params={"district_is": "XII", "tag": "pilne"}).text
    assert both.count("/console/review/c/") == 1 and "/c/ewa" in both
    found = client.get("/console/review", params={"district": "1"}).text  # still works
    assert found.count("/console/review/c/") == 1 and "/c/ewa" in found
    assert client.get("/console/review", params={"tag": "inna"}).text.count("/review/c/") == 0
    # the export follows the new filters and carries the tags
    rows = json.loads(client.get("/console/review/export.json", params={"tag": "pilne"}).text)
    assert [(r["conversation_id"], r["tags"]) for r in rows] == [
        ("anna", ["pilne"]),
        ("ewa", ["pilne"]),
    ]
    table = list(csv.reader(io.StringIO(client.get("/console/review/export.csv").text)))
    assert table[0][11] == "etykiety" and table[0][-1] == "notatki"
    assert {r[0]: r[11] for r in table[1:]}["ewa"] == "pilne"

    boss, boss_token = browser("szef")
    form = {"csrf_token": boss_token, "tag": "pilne"}
    removed = boss.post("/console/review/c/anna/tags/remove", data=form)
    assert "Usunięto etykietę." in removed.text and "Brak etykiet." in removed.text
    assert boss.post("/console/review/c/anna/tags/remove", data=form).status_code == 404
    assert client.get("/console/review", params={"tag": "pilne"}).text.count("/review/c/") == 1

    entries = [e for e in audit_rows(app) if e[0].startswith("review.tag")]
    assert entries == [
        ("review.tag_added", "conversation:anna", "Ania"),
        ("review.tag_added", "conversation:ewa", "Ania"),
        ("review.tag_removed", "conversation:anna", "Szef"),
    ]
    assert not any("pilne" in target for _, target, _ in audit_rows(app))


def test_notes_are_masked_until_a_supervisor_unmasks(app, browser) -> None:
    worker, token = browser("ania")
    added = worker.post("/console/review/c/anna/notes", data={"csrf_token": token, "text": NOTE})
    assert added.status_code == 200 and "Dodano notatkę." in added.text
    [note] = notes_of(app, "anna")
    assert note.text == NOTE  # stored as typed; masked whenever it is shown
    assert f'<time>{clock(note.created_at)}</time> <span class="who">Ania:</span>' in added.text
    assert MASKED_NOTE in added.text
    for secret in (GOOD_PESEL, "601 234 567", "jan.kowalski@wp.pl"):
        assert secret not in added.text
        assert secret not in worker.get("/console/review/export.csv").text
        assert secret not in worker.get("/console/review/export.json").text
    exported = json.loads(worker.get("/console/review/export.json").text)
    assert exported[0]["notes"][0]["text"] == MASKED_NOTE
    assert exported[0]["notes"][0]["author"] == "Ania"
    table = list(csv.reader(io.StringIO(worker.get("/console/review/export.csv").text)))
    assert table[1][0] == "anna" and table[1][-1] == f"Ania: {MASKED_NOTE}"

    boss, boss_token = browser("szef")
    shown = boss.post("/console/review/c/anna/unmask", data={"csrf_token": boss_token}).text
    assert NOTE in shown and MASKED_NOTE not in shown
    assert MASKED_NOTE in boss.get("/console/review/c/anna").text  # a plain view stays masked
    assert ("review.note_added", "conversation:anna", "Ania") in audit_rows(app)
    assert not any("oddzwonić" in target for _, target, _ in audit_rows(app))


def test_only_the_author_or_a_supervisor_deletes_a_note(app, browser) -> None:
    app.state.console.accounts.create("ola", "Ola", Role.worker, PASSWORD, actor=None)
    ania, token = browser("ania")
    for text in ("pierwsza notatka", "druga notatka"):
        ania.post("/console/review/c/anna/notes", data={"csrf_token": token, "text": text})
    first, second = (n.id for n in notes_of(app, "anna"))
    assert ania.get("/console/review/c/anna").text.count("Usuń notatkę") == 2

    ola, ola_token = browser("ola")
    assert "Usuń notatkę" not in ola.get("/console/review/c/anna").text
    url = f"/console/review/c/anna/notes/{first}/delete"
    refused = ola.post(url, data={"csrf_token": ola_token})
    assert refused.status_code == 403 and "tylko jej autor lub koordynator" in refused.text
    assert len(notes_of(app, "anna")) == 2

    assert "Usunięto notatkę." in ania.post(url, data={"csrf_token": token}).text
    boss, boss_token = browser("szef")
    assert "Usuń notatkę" in boss.get("/console/review/c/anna").text
    other = f"/console/review/c/anna/notes/{second}/delete"
    assert "Brak notatek." in boss.post(other, data={"csrf_token": boss_token}).text
    assert boss.post(other, data={"csrf_token": boss_token}).status_code == 404
    deleted = [e for e in audit_rows(app) if e[0] == "review.note_deleted"]
    assert deleted == [
        ("review.note_deleted", "conversation:anna", "Ania"),
        ("review.note_deleted", "conversation:anna", "Szef"),
    ]


def test_a_refused_tag_or_note_shows_the_page_again_with_the_input(app, browser) -> None:
    client, token = browser("ania")
    long_tag = "bardzo długa etykieta " * 2  # 44 characters
    bad = client.post("/console/review/c/anna/tags", data={"csrf_token": token, "tag": long_tag})
    assert bad.status_code == 400 and "Etykieta może mieć najwyżej 40 znaków." in bad.text
    assert f'value="{long_tag}"' in bad.text and "mój pesel [PESEL]" in bad.text
    empty = client.post("/console/review/c/anna/tags", data={"csrf_token": token, "tag": "  "})
    assert empty.status_code == 400 and "Proszę wpisać etykietę." in empty.text
    odd = client.post("/console/review/c/anna/tags", data={"csrf_token": token, "tag": "<b>x"})
    assert odd.status_code == 400 and 'value="&lt;b&gt;x"' in odd.text
    long_note = "x" * 2001
    note = client.post(
        "/console/review/c/anna/notes", data={"csrf_token": token, "text": long_note}
    )
    assert note.status_code == 400 and "Notatka może mieć najwyżej 2000 znaków." in note.text
    assert f">{long_note}</textarea>" in note.text
    missing = client.post("/console/review/c/nobody/tags", data={"csrf_token": token, "tag": "a"})
    assert missing.status_code == 404
    assert not any(a.startswith(("review.tag", "review.note")) for a in audit_actions(app))


@pytest.mark.usefixtures("app")
def test_tags_and_notes_need_the_forms_csrf_token(browser) -> None:
    client, _ = browser("ania")
    forged = client.post("/console/review/c/anna/tags", data={"tag": "pilne"})
    assert forged.status_code == 403 and "Formularz wygasł" in forged.text
    assert "Brak etykiet." in client.get("/console/review/c/anna").text


@pytest.mark.usefixtures("app")
def test_dates_out_of_any_range_are_no_filter_not_an_error(browser) -> None:
    client, _ = browser("ania")
    for query in ("to=9999-12-31", "from=0001-01-01", "from=2026-13-40"):
        assert client.get(f"/console/review?{query}").status_code == 200
        assert client.get(f"/console/review/export.csv?{query}").status_code == 200
