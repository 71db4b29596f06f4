"""Workers see a resident's phone number or e-mail only in the tickets they handle and the
call-back requests they took; in the queue, in a colleague's ticket and in call-backs not theirs it
is masked. Supervisors and admins see it everywhere, as before."""

from __future__ import annotations

from bot.storage.models import ContactKind, Role
from tests.console.test_web import (  # noqa: F401 (fixtures)
    PASSWORD,
    SESSION,
    app,
    client_for,
    logged_in,
)

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


def test_call_back_contact_shown_only_to_the_worker_who_took_it(app, client_for) -> None:  # noqa: F811
    console = app.state.console
    console.accounts.create("koord", "Koord", Role.supervisor, PASSWORD, actor=None)
    callback = console.callbacks.request(
        ContactKind.phone, PHONE, True, conversation_id=SESSION, summary=f"Piszę też na {EMAIL}"
    )
    ania, ania_token = logged_in(client_for, "ania")
    basia, basia_token = logged_in(client_for, "basia")
    take = f"/console/callbacks/{callback.id}/take"

    for worker in (ania, basia):  # nobody has taken it yet
        page = worker.get("/console/callbacks").text
        assert not shows_personal_data(page)
        assert "tel. [telefon]" in page and "Piszę też na [e-mail]" in page and "nowa" in page
    for login in ("koord", "szef"):  # supervisors and admins, as before
        page = logged_in(client_for, login)[0].get("/console/callbacks").text
        assert PHONE in page and EMAIL in page

    taken = ania.post(take, data={"csrf_token": ania_token})
    assert PHONE in taken.text and EMAIL in taken.text and "Zajmuje się: Ania" in taken.text

    seen_by_basia = basia.get("/console/callbacks").text
    assert not shows_personal_data(seen_by_basia) and "Zajmuje się: Ania" in seen_by_basia
    assert "Biorę</button>" not in seen_by_basia
    refused = basia.post(take, data={"csrf_token": basia_token})
    assert refused.status_code == 409
    assert "Tą prośbą o kontakt zajmuje się już Ania." in refused.text
    assert not shows_personal_data(refused.text)
    not_hers = basia.post(
        f"/console/callbacks/{callback.id}/done", data={"csrf_token": basia_token}
    )
    assert not_hers.status_code == 409 and "zajmuje się już Ania" in not_hers.text
    assert console.callbacks.get(callback.id).taken_by_name == "Ania"  # not overwritten
