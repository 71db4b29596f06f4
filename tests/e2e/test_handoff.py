"""End to end: a resident is handed over to a social worker and back.

Real processes: the gateway (web chat + console), Rasa (REST and Messenger channels) and the
action server, sharing the console's database; Messenger's Send API is the local fake. Office
hours come from the file in HANDOFF_HOURS_FILE, which every process reads on each request.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import requests

from bot.evaluation.realistic import CLOSED_HOURS
from bot.handoff import CallbackService, TicketService
from bot.storage import Database
from tests.conftest import ALWAYS_OPEN, HOURS_FILE, RasaStack
from tests.fake_graph import FakeGraph, post, said_to
from tests.staff_client import Worker, ensure_workers

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def db() -> Iterator[Database]:
    database = Database(os.environ["CONSOLE_DATABASE_URL"])
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def workers(db: Database, gateway_url: str) -> list[str]:  # noqa: ARG001 (gateway migrates first)
    """Two social workers' accounts (the gateway has migrated the database by now)."""
    return ensure_workers(db, "ania", "basia")


@contextmanager
def closed_office() -> Iterator[None]:
    HOURS_FILE.write_text(CLOSED_HOURS, encoding="utf-8")
    try:
        yield
    finally:
        HOURS_FILE.write_text(ALWAYS_OPEN, encoding="utf-8")


class Resident:
    """A resident in the web chat, through the gateway's HTTP API (the widget's own calls)."""

    def __init__(self, gateway: str) -> None:
        self.gateway = gateway
        self.session = requests.post(f"{gateway}/api/sessions", timeout=10).json()["session"]
        self.seen = 0

    def say(self, text: str, payload: str | None = None) -> list[dict]:
        body = {"text": text, **({"payload": payload} if payload else {})}
        url = f"{self.gateway}/api/sessions/{self.session}/messages"
        response = requests.post(url, json=body, timeout=60)
        response.raise_for_status()
        new = [m for m in response.json()["messages"] if m["role"] == "bot"]
        self.seen = max([self.seen, *(m["seq"] for m in response.json()["messages"])])
        return new

    def queue_up(self, description: str) -> None:
        """Ask for a person, consent, describe the matter: the request is in the queue."""
        self.say("chcę rozmawiać z pracownikiem")
        self.say("tak")
        assert "Miejsce w kolejce" in texts(self.say(description))

    def new_messages(self) -> list[dict]:
        """What the widget would show since the last look (pushed by the worker)."""
        url = f"{self.gateway}/api/sessions/{self.session}/messages"
        messages = requests.get(url, params={"after": self.seen}, timeout=10).json()["messages"]
        self.seen = max([self.seen, *(m["seq"] for m in messages)])
        return messages


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def at_the_contact_question(resident: Resident) -> None:
    """Ask for a worker while nobody is on duty, consent and describe the matter."""
    resident.say("chcę rozmawiać z pracownikiem")
    resident.say("Tak, zgadzam się", "/affirm")
    resident.say("Potrzebuję pomocy w sprawie opieki nad mamą")


def callbacks_of(db, resident: Resident) -> list:
    """The call-back requests this resident's conversation left."""
    return [c for c in CallbackService(db).list() if c.conversation_id == resident.session]


def eventually(check: Callable[[], object], seconds: float = 15) -> object:
    """Rasa delivers to Messenger asynchronously from the caller's point of view: poll a bit."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def ticket_of(worker: Worker, conversation: str) -> dict:
    return next(t for t in worker.queue() if t["conversation_id"] == conversation)


@pytest.mark.usefixtures("workers")
def test_web_chat_handoff_from_request_to_give_back(
    rasa_stack: RasaStack, gateway_url: str, db
) -> None:
    resident = Resident(gateway_url)
    consent = resident.say("chcę rozmawiać z pracownikiem socjalnym")
    assert "Czy mogę przekazać rozmowę?" in texts(consent)
    assert "w jednym zdaniu" in texts(resident.say("Tak, proszę", "/affirm"))
    queued = resident.say("Nie dostałam jeszcze decyzji w sprawie zasiłku stałego")
    assert "Miejsce w kolejce: 1." in texts(queued)
    assert [b["title"] for b in queued[-1]["buttons"]] == ["Zostaw kontakt", "Wróć do asystenta"]

    # the request is in the queue, with the one-line description and the channel
    ania = Worker(gateway_url, "ania")
    ticket = ticket_of(ania, resident.session)
    assert (ticket["status"], ticket["channel"]) == ("waiting", "web")
    assert ticket["summary"] == "Nie dostałam jeszcze decyzji w sprawie zasiłku stałego"

    # while waiting, the resident is told their place and nothing is lost
    waiting = resident.say("halo, czy ktoś tu jest?")
    assert "miejsce w kolejce: 1" in texts(waiting)

    # a worker claims: the resident's chat says a person has joined
    assert ania.act(ticket["id"], "claim").ok
    assert "Do rozmowy dołączył(a) Ania" in texts(resident.new_messages())
    ania.act(ticket["id"], "reply", text="Dzień dobry, tu Ania. Sprawdzę Pani wniosek.")
    (reply,) = resident.new_messages()
    assert (reply["text"], reply["author"]) == (
        "Dzień dobry, tu Ania. Sprawdzę Pani wniosek.",
        "Ania",
    )

    # the resident answers: the bot stays silent, the worker sees it
    assert resident.say("Dziękuję, czekam") == []
    transcript = ania.ticket(ticket["id"])["transcript"]
    assert transcript[-1] == {"role": "user", "text": "Dziękuję, czekam", "author": None}
    assert any(m["text"] == "halo, czy ktoś tu jest?" for m in transcript)

    # Rasa's tracker holds the worker's message as a bot event with the worker as author
    tracker = requests.get(
        f"{rasa_stack.rasa_url}/conversations/{resident.session}/tracker",
        params={"token": os.environ["RASA_AUTH_TOKEN"]},
        timeout=10,
    ).json()
    assert tracker["paused"] is True
    authored = [e for e in tracker["events"] if (e.get("metadata") or {}).get("author") == "Ania"]
    assert [e["event"] for e in authored] == ["bot"]

    # the worker gives the conversation back: the bot says so and answers again
    assert ania.act(ticket["id"], "give-back").ok
    assert "Znów odpowiada asystent" in texts(resident.new_messages())
    answer = resident.say("Czym był projekt COGITO?")
    assert "COGITO" in texts(answer)
    assert TicketService(db).get(ticket["id"]).status == "returned"


@pytest.mark.usefixtures("workers")
def test_resident_goes_back_to_the_assistant_while_waiting(gateway_url: str, db) -> None:
    resident = Resident(gateway_url)
    resident.queue_up("Chodzi o dodatek do czynszu")
    back = resident.say("wróć do asystenta")  # typed, as the joined message suggests
    assert "rozmowa wróciła do asystenta" in texts(back)
    assert not TicketService(db).active_for(resident.session)
    assert "Pora na aktywność" in texts(resident.say("Czym jest projekt Pora na aktywność?"))


@pytest.mark.usefixtures("workers")
def test_leaving_a_contact_instead_of_waiting(gateway_url: str, db) -> None:
    resident = Resident(gateway_url)
    resident.queue_up("Mam problem z opłaceniem mieszkania")
    consent = resident.say("Zostaw kontakt", "/leave_contact")
    assert "Czy się Pan/Pani zgadza?" in texts(consent)
    assert "numer telefonu albo adres e-mail" in texts(resident.say("tak"))
    assert "napisać „nie mam”" in texts(resident.say("nie pamiętam"))
    assert "To nie wygląda na adres e-mail" in texts(resident.say("jan.kowalski@example"))
    saved = resident.say("mój mail to Jan.Kowalski@Example.PL")
    assert "prośba o kontakt została zapisana (Jan.Kowalski@example.pl)" in texts(saved)
    (callback,) = callbacks_of(db, resident)
    assert (callback.contact_value, callback.summary) == (
        "Jan.Kowalski@example.pl",
        "Mam problem z opłaceniem mieszkania",
    )
    assert callback.ticket_id and TicketService(db).get(callback.ticket_id).status == "cancelled"
    assert "Pora na aktywność" in texts(resident.say("Czym jest projekt Pora na aktywność?"))


@pytest.mark.usefixtures("workers")
def test_outside_office_hours_a_call_back_request_is_stored(gateway_url: str, db) -> None:
    resident = Resident(gateway_url)
    with closed_office():
        offer = resident.say("chcę rozmawiać z pracownikiem")
        assert "nikt nie odpowie od razu" in texts(offer)  # no staffed hours are set
        assert "Czy zostawić prośbę o kontakt?" in texts(offer)
        resident.say("Tak, zgadzam się", "/affirm")
        asked = resident.say("Potrzebuję pomocy w sprawie opieki nad mamą")
        assert "numer telefonu albo adres e-mail" in texts(asked)
        saved = resident.say("600 100 200")
    assert "prośba o kontakt została zapisana (tel. +48 600 100 200)" in texts(saved)
    (callback,) = callbacks_of(db, resident)
    assert (callback.contact_kind, callback.status, callback.ticket_id) == ("phone", "new", None)
    assert not TicketService(db).active_for(resident.session)  # nobody to wait for

    # a worker sees it among the call-back requests, and its contact once she takes it
    basia = Worker(gateway_url, "basia")
    assert "+48 600 100 200" not in basia.callbacks() and "[telefon]" in basia.callbacks()
    page = basia.take_callback(callback.id).text
    assert "+48 600 100 200" in page and "Potrzebuję pomocy w sprawie opieki nad mamą" in page


@pytest.mark.usefixtures("workers")
def test_a_number_written_with_the_request_is_not_asked_for_again(gateway_url: str, db) -> None:
    resident = Resident(gateway_url)
    with closed_office():
        offer = resident.say("Proszę o kontakt z pracownikiem socjalnym, mój numer 600 100 200")
        assert "Czy zostawić prośbę o kontakt?" in texts(offer)
        resident.say("Tak, zgadzam się", "/affirm")
        saved = resident.say("Potrzebuję pomocy w sprawie opieki nad mamą")
    assert "numer telefonu albo adres e-mail" not in texts(saved)
    assert "prośba o kontakt została zapisana (tel. +48 600 100 200)" in texts(saved)
    (callback,) = callbacks_of(db, resident)
    assert callback.contact_kind == "phone"


@pytest.mark.usefixtures("workers")
def test_asking_to_be_called_about_a_form_of_support_asks_for_a_person(
    gateway_url: str, db
) -> None:
    resident = Resident(gateway_url)
    with closed_office():
        offer = resident.say("może mi ktoś zadzwonić w sprawie asystenta dla syna?")
        resident.say("tak", "/affirm")
        resident.say("syn ma porażenie mózgowe, potrzebuje pomocy w dojazdach do szkoły")
        saved = resident.say("600 100 200")
    assert "Czy zostawić prośbę o kontakt?" in texts(offer)
    assert "prośba o kontakt została zapisana (tel. +48 600 100 200)" in texts(saved)
    (callback,) = callbacks_of(db, resident)
    assert "porażenie mózgowe" in callback.summary


@pytest.mark.usefixtures("workers")
def test_a_resident_without_phone_or_email_gets_another_way(gateway_url: str, db) -> None:
    resident = Resident(gateway_url)
    with closed_office():
        at_the_contact_question(resident)
        other_way = texts(resident.say("nie mam telefonu ani maila"))
        after = texts(resident.say("co to jest cogito"))
    assert "numer telefonu albo adres e-mail" not in other_way
    assert "Józefińska 14" in other_way and "12 616 54 08" in other_way
    assert "COGITO" in after  # the form is over: the assistant answers again
    assert not callbacks_of(db, resident)


@pytest.mark.usefixtures("workers")
def test_a_question_on_another_topic_at_the_contact_question_is_answered_and_the_request_goes_on(
    gateway_url: str, db
) -> None:
    resident = Resident(gateway_url)
    with closed_office():
        at_the_contact_question(resident)
        contacts = texts(resident.say("a gdzie właściwie jest wasz punkt informacyjny?"))
        about = texts(resident.say("a co to było to COGITO?"))
        saved = texts(resident.say("jan.kowal58@example.pl"))
    assert "Józefińska 14" in contacts and "„anuluj”" in contacts
    assert "COGITO" in about and "adres e-mail" in about
    assert "prośba o kontakt została zapisana" in saved
    (callback,) = callbacks_of(db, resident)
    assert callback.contact_value == "jan.kowal58@example.pl"


@pytest.mark.usefixtures("workers")
def test_cancel_after_a_side_question_at_the_contact_question_saves_nothing(
    gateway_url: str, db
) -> None:
    resident = Resident(gateway_url)
    with closed_office():
        at_the_contact_question(resident)
        resident.say("a właściwie to chciałam tylko numer do punktu informacyjnego")
        left = texts(resident.say("anuluj"))
        after = texts(resident.say("Czym jest projekt Pora na aktywność?"))
    assert "numer telefonu albo adres e-mail" not in left
    assert "Pora na aktywność" in after and "adres e-mail do kontaktu" not in after
    assert not callbacks_of(db, resident)


@pytest.mark.usefixtures("workers")
def test_asking_only_for_the_phone_instead_of_describing_the_matter_gives_the_contacts(
    gateway_url: str, db
) -> None:
    resident = Resident(gateway_url)
    with closed_office():
        resident.say("chcę rozmawiać z pracownikiem")
        resident.say("Tak, zgadzam się", "/affirm")
        contacts = texts(resident.say("a właściwie to wystarczy mi numer telefonu do MOPS"))
        after = texts(resident.say("Czym jest projekt Pora na aktywność?"))
    assert "12 616 54 08" in contacts and "numer telefonu albo adres e-mail" not in contacts
    assert "Pora na aktywność" in after
    assert not callbacks_of(db, resident)


@pytest.mark.usefixtures("workers")
def test_thanks_at_the_contact_question_get_the_ways_on_and_out_not_a_format_hint(
    gateway_url: str, db
) -> None:
    resident = Resident(gateway_url)
    with closed_office():
        at_the_contact_question(resident)
        thanks = texts(resident.say("dziękuję"))
        saved = texts(resident.say("mój telefon do kontaktu to 600 100 200"))
    assert "To nie wygląda na" not in thanks
    assert "„nie mam”" in thanks and "„anuluj”" in thanks
    assert "prośba o kontakt została zapisana" in saved
    (callback,) = callbacks_of(db, resident)
    assert callback.contact_value == "+48 600 100 200"


@pytest.mark.usefixtures("workers")
def test_a_bare_no_i_have_none_at_the_contact_question_gets_the_other_ways(
    gateway_url: str, db
) -> None:
    resident = Resident(gateway_url)
    with closed_office():
        at_the_contact_question(resident)
        other_way = texts(resident.say("nie mam"))
    assert "Józefińska 14" in other_way and "bez telefonu i e-maila" in other_way
    assert not callbacks_of(db, resident)


@pytest.mark.usefixtures("workers")
def test_asking_for_a_worker_at_the_contact_question_is_told_why_the_contact_is_needed(
    gateway_url: str, db
) -> None:
    resident = Resident(gateway_url)
    with closed_office():
        at_the_contact_question(resident)
        why = texts(resident.say("chcę rozmawiać z pracownikiem socjalnym"))
        saved = texts(resident.say("600 100 200"))
    assert "przekażę sprawę pracownikowi" in why and "To nie wygląda na numer" not in why
    assert "prośba o kontakt została zapisana" in saved
    (callback,) = callbacks_of(db, resident)
    assert callback.contact_kind == "phone"


@pytest.mark.usefixtures("workers")
@pytest.mark.parametrize("payload", ["/deny", None])  # the button, or its words typed out
def test_no_consent_no_ticket(gateway_url: str, db, payload: str | None) -> None:
    resident = Resident(gateway_url)
    resident.say("chcę rozmawiać z pracownikiem")
    declined = resident.say("nie, dziękuję", payload)
    assert "nie przekazuję rozmowy" in texts(declined) and "12 616 54 08" in texts(declined)
    assert not TicketService(db).active_for(resident.session)


@pytest.mark.usefixtures("workers")
def test_messenger_handoff_with_signed_webhooks(
    rasa_stack: RasaStack, graph: FakeGraph, gateway_url: str, db
) -> None:
    sender = f"fb-{uuid.uuid4().hex[:10]}"

    def sent_since(count: int) -> str:
        return "\n".join(said_to(graph, sender)[count:])

    post(rasa_stack, sender, "chcę rozmawiać z pracownikiem")
    post(rasa_stack, sender, "Tak, proszę", "/affirm")
    post(rasa_stack, sender, "Potrzebuję pomocy z opłaceniem czynszu")
    assert "Miejsce w kolejce: 1." in sent_since(0)
    before = len(said_to(graph, sender))
    post(rasa_stack, sender, "czy długo trzeba czekać?")
    assert "miejsce w kolejce: 1" in sent_since(before)

    ania = Worker(gateway_url, "ania")
    ticket = ticket_of(ania, sender)
    assert (ticket["channel"], ticket["summary"]) == (
        "facebook",
        "Potrzebuję pomocy z opłaceniem czynszu",
    )
    before = len(said_to(graph, sender))
    assert ania.act(ticket["id"], "claim").ok
    assert eventually(lambda: "Do rozmowy dołączył(a) Ania" in sent_since(before))
    ania.act(ticket["id"], "reply", text="Dzień dobry, w czym mogę pomóc?")
    assert eventually(lambda: "Ania (MOPS): Dzień dobry, w czym mogę pomóc?" in sent_since(before))

    # the resident answers: Rasa is paused and says nothing, the worker sees the message
    before = len(said_to(graph, sender))
    post(rasa_stack, sender, "Zalegam z czynszem za dwa miesiące")
    transcript = ania.ticket(ticket["id"])["transcript"]
    assert transcript[-1]["text"] == "Zalegam z czynszem za dwa miesiące"
    assert sent_since(before) == ""

    # the resident taps "Wróć do asystenta": the ticket ends and the bot answers again
    post(rasa_stack, sender, "Wróć do asystenta", "/cancel_handoff")
    assert "rozmowa wróciła do asystenta" in sent_since(before)
    assert TicketService(db).get(ticket["id"]).status == "cancelled"
    assert ania.ticket(ticket["id"])["status_text"] == "mieszkaniec wrócił do asystenta"
    refused = ania.act(ticket["id"], "reply", text="Jeszcze jedno")
    assert refused.status_code == 409 and "już zakończone" in refused.text
    before = len(said_to(graph, sender))
    post(rasa_stack, sender, "Czym był projekt COGITO?")
    assert "COGITO" in sent_since(before)


@pytest.mark.usefixtures("workers")
def test_two_workers_claim_at_once_one_wins(gateway_url: str) -> None:
    resident = Resident(gateway_url)
    resident.queue_up("Sprawa zasiłku okresowego")
    ania, basia = Worker(gateway_url, "ania"), Worker(gateway_url, "basia")
    ticket = ticket_of(ania, resident.session)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda w: w.act(ticket["id"], "claim"), (ania, basia)))
    assert sorted(r.status_code for r in results) == [200, 409]
    assert texts(resident.new_messages()).count("Do rozmowy dołączył(a)") == 1


def pause_in_rasa(stack: RasaStack, conversation: str) -> None:
    """A conversation left paused with no ticket (a give-back that never reached Rasa)."""
    requests.post(
        f"{stack.rasa_url}/conversations/{conversation}/tracker/events",
        params={"token": os.environ["RASA_AUTH_TOKEN"]},
        json=[{"event": "pause"}],
        timeout=10,
    ).raise_for_status()


@pytest.mark.usefixtures("workers")
def test_a_conversation_paused_without_a_ticket_is_answered_anyway(
    rasa_stack: RasaStack, graph: FakeGraph, gateway_url: str
) -> None:
    resident = Resident(gateway_url)
    pause_in_rasa(rasa_stack, resident.session)
    assert "COGITO" in texts(resident.say("Czym był projekt COGITO?"))

    sender = f"fb-{uuid.uuid4().hex[:10]}"
    pause_in_rasa(rasa_stack, sender)
    post(rasa_stack, sender, "Czym był projekt COGITO?")
    assert "COGITO" in "\n".join(said_to(graph, sender))


# Longer than the console database's busy timeout (15 s, bot/storage/db.py): the action server's
# write of the ticket gives up and the request waits in its spool (bot/handoff/spool.py).
CONSOLE_LOCK_SECONDS = 18.0


@pytest.mark.usefixtures("workers")
def test_console_database_locked_the_request_is_kept_others_answered_and_written_once(
    gateway_url: str, db
) -> None:
    """Another connection holds the console database (a backup, a stuck process) while one
    resident hands the matter over and another asks a question: the real gateway, Rasa and
    action server."""
    waiting, other = Resident(gateway_url), Resident(gateway_url)
    waiting.say("chcę rozmawiać z pracownikiem")
    assert "w jednym zdaniu" in texts(waiting.say("Tak, proszę", "/affirm"))
    locker = sqlite3.connect(
        db.engine.url.database, isolation_level=None, timeout=30, check_same_thread=False
    )
    locker.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(CONSOLE_LOCK_SECONDS, locker.execute, ["ROLLBACK"])
    release.start()
    try:
        with ThreadPoolExecutor(1) as pool:
            handed = pool.submit(waiting.say, "Nie dostałam decyzji w sprawie zasiłku stałego")
            time.sleep(1.0)  # the request is now waiting for the database
            answer = other.say("Czym był projekt COGITO?")
            # answered while the request still waits for the locked database
            assert "COGITO" in texts(answer) and not handed.done()
            kept = texts(handed.result(timeout=60))
        assert "prośba jest przyjęta" in kept and "nie trzeba jej wysyłać ponownie" in kept
    finally:
        release.join()
        locker.close()
    # once the database is free, the request is written once and a worker sees it
    ticket = eventually(lambda: TicketService(db).active_for(waiting.session), seconds=30)
    assert ticket and ticket.summary == "Nie dostałam decyzji w sprawie zasiłku stałego"
    time.sleep(6)  # past the spool's next retry (5 s): nothing is written twice
    queue = Worker(gateway_url, "ania").queue()
    assert [t["conversation_id"] for t in queue].count(waiting.session) == 1
