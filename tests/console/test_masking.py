"""Workers see a resident's phone number or e-mail only in the tickets they handle; in the queue
and in a colleague's ticket it is masked. Supervisors and admins see it everywhere, as before."""

from __future__ import annotations

from tests.console.test_web import SESSION, app, client_for, logged_in  # noqa: F401 (fixtures)

PHONE, EMAIL = "600 100 200", "jan.kowalski@example.com"
SUMMARY = f"Proszę o telefon {PHONE}"
SAID = f"Mój e-mail to {EMAIL}, telefon {PHONE}"


def shows_personal_data(text: str) -> bool:
    return PHONE in text or EMAIL in text


def test_workers_see_personal_data_only_in_tickets_they_handle(app, client_for) -> None:  # noqa: F811
    app.state.hub.seed(SESSION, [{"role": "user", "text": SAID, "buttons": []}])
    ticket = app.state.console.tickets.open(SESSION, "web", SUMMARY)
    ania, token = logged_in(client_for, "ania")
    basia, _ = logged_in(client_for, "basia")
    szef, _ = logged_in(client_for, "szef")
    page, api = f"/console/tickets/{ticket.id}", f"/console/api/tickets/{ticket.id}"

    for worker in (ania, basia):  # waiting: nobody handles it yet
        for path in ("/console/queue", "/console/api/queue", page, api):
            shown = worker.get(path).text
            assert not shows_personal_data(shown), path
        assert "[telefon]" in worker.get(page).text and "[e-mail]" in worker.get(api).text
    for path in ("/console/queue", page, api):
        assert shows_personal_data(szef.get(path).text), path  # admins as before

    ania.post(f"{page}/claim", data={"csrf_token": token})
    assert PHONE in ania.get(page).text and EMAIL in ania.get(api).text
    assert PHONE in ania.get("/console/api/queue").text
    for path in ("/console/queue", "/console/api/queue", page, api):
        assert not shows_personal_data(basia.get(path).text), path  # Ania's ticket, not Basia's
