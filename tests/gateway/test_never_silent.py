"""Never silent: whatever fails, the resident gets an answer; a crisis gets the numbers first.

The fast tests need no Rasa (it is down). The drills kill real processes: the action server in the
middle of the branch search form, and Rasa itself (the messages sent meanwhile are kept and
delivered once, in order, when it is back).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.gateway.chat import ChatService
from bot.gateway.config import MessengerKeys, Rate, Settings
from bot.gateway.fallback import Fallback, crisis_texts
from bot.gateway.limits import Limits
from bot.gateway.outbox import Kept, Outbox
from bot.gateway.rasa_client import RasaClient
from bot.gateway.sessions import SessionHub
from tests.conftest import MODEL
from tests.fake_graph import (
    FakeGraph,
    Receiver,
    calls_to,
    deliver,
    messages_to,
    post,
    said_to,
    signed,
)
from tests.gateway.conftest import INFO_PHONE, new_session, receive_until
from tests.gateway.outage import OutageStack

SUICIDE_LINE = "800 70 2222"  # utter_crisis_suicide in domain.yml
VIOLENCE_LINE = "800 120 002"  # utter_crisis_violence in domain.yml
APOLOGY = "Przepraszam"


def bot_texts(messages: list[dict]) -> list[str]:
    return [m["text"] for m in messages if m.get("role") == "bot"]


def web_say(client, session: str, text: str) -> list[str]:
    response = client.post(f"/api/sessions/{session}/messages", json={"text": text})
    assert response.status_code == 200, response.text
    return bot_texts(response.json()["messages"])


def socket_say(socket, text: str) -> list[str]:
    socket.send_json({"type": "message", "text": text})
    frames = receive_until(socket, lambda f: f == {"type": "typing", "on": False})
    return [f["text"] for f in frames if f.get("role") == "bot"]


def messenger_say(to: Receiver, graph: FakeGraph, sender: str, text: str) -> list[str]:
    """What a Messenger user is sent after writing `text` (the Send API calls are made before
    the webhook answers)."""
    before = len(messages_to(graph, sender))
    post(to, sender, text)
    return [
        m.get("text") or json.dumps(m, ensure_ascii=False)
        for m in messages_to(graph, sender)[before:]
    ]


def wait_until_empty(folder: Path, seconds: float) -> None:
    """Until the outbox has handed everything on (or the time is up: the test then says what)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and list(folder.glob("*.json")):
        time.sleep(0.5)


def new_psid() -> str:
    return f"fb-{uuid.uuid4().hex[:8]}"


# ---- without Rasa: the gateway decides a crisis on its own ---------------------------------------


def test_the_crisis_texts_are_the_assistants_own() -> None:
    fallback = Fallback.load()
    texts = crisis_texts()
    assert fallback.crisis_intent("nie chcę już żyć") == "crisis_suicide"
    assert fallback.crisis_intent("mąż mnie bije") == "crisis_violence"
    assert fallback.crisis_intent("serce mi bije szybko") is None
    assert fallback.crisis_intent("jak dostać zasiłek") is None
    assert SUICIDE_LINE in texts["crisis_suicide"] and VIOLENCE_LINE in texts["crisis_violence"]
    # The contacts are filled in, as Rasa fills them: no "{info_phone}" reaches a resident.
    assert INFO_PHONE in texts["crisis_basic_needs"]
    assert not any("{" in text for text in texts.values()), texts


@pytest.mark.parametrize(
    ("text", "line"), [("nie chcę żyć", SUICIDE_LINE), ("mąż mnie bije", VIOLENCE_LINE)]
)
def test_rasa_down_a_crisis_gets_the_crisis_numbers_first(make_client, text, line) -> None:
    client = make_client()  # Rasa is down
    crisis, apology = web_say(client, new_session(client), text)
    assert line in crisis and "112" in crisis
    assert APOLOGY in apology and INFO_PHONE in apology
    with client.websocket_connect(f"/ws/{new_session(client)}") as socket:
        socket.receive_json()
        crisis, apology = socket_say(socket, text)
    assert line in crisis and INFO_PHONE in apology


def test_rasa_down_an_ordinary_question_gets_the_apology_only(make_client) -> None:
    client = make_client()
    (apology,) = web_say(client, new_session(client), "gdzie jest moja filia")
    assert APOLOGY in apology and INFO_PHONE in apology
    assert "800 70 2222" in apology  # a crisis the lexicon does not know still finds the line


# ---- Messenger without Rasa: Meta's webhook comes to the gateway first ---------------------------


def test_rasa_down_messenger_gets_the_crisis_numbers_first_and_the_messages_are_kept(
    make_client, graph: FakeGraph, tmp_path
) -> None:
    client = make_client(messenger_outbox=tmp_path)
    sender = new_psid()
    crisis, apology = messenger_say(client, graph, sender, "nie chcę żyć")
    assert SUICIDE_LINE in crisis and INFO_PHONE in apology
    (apology,) = messenger_say(client, graph, sender, "Jak mogę dostać COGITO?")
    assert APOLOGY in apology and INFO_PHONE in apology
    kept = [json.loads(f.read_text()) for f in sorted(tmp_path.glob("*.json"))]
    assert [k["session"] for k in kept] == [sender, sender]
    events = [json.loads(k["message"])["entry"][0]["messaging"][0] for k in kept]  # as Meta sent
    assert [e["message"]["text"] for e in events] == ["nie chcę żyć", "Jak mogę dostać COGITO?"]


def test_rasa_down_each_resident_of_a_batched_call_is_answered_and_receipts_are_not(
    make_client, graph: FakeGraph
) -> None:
    client = make_client()
    writes, taps, reads, page = new_psid(), new_psid(), new_psid(), new_psid()
    batch = [
        {"sender": {"id": writes}, "message": {"mid": "m-1", "text": "mąż mnie bije"}},
        {"sender": {"id": taps}, "postback": {"title": "Kontakt z MOPS", "payload": "/contact"}},
        {"sender": {"id": reads}, "read": {"watermark": 1}},
        {"sender": {"id": page}, "message": {"mid": "m-2", "text": "Dzień dobry", "is_echo": True}},
    ]
    body = json.dumps({"object": "page", "entry": [{"id": "page-1", "messaging": batch}]}).encode()
    assert deliver(client, body, signed(body)) == 200
    assert VIOLENCE_LINE in said_to(graph, writes)[0]
    assert INFO_PHONE in said_to(graph, taps)[-1]
    assert not calls_to(graph, reads) and not calls_to(graph, page)


def test_rasa_down_a_batch_over_the_chat_s_body_limit_is_answered_for_every_resident(
    make_client, graph: FakeGraph
) -> None:
    """Meta may batch many long messages in one call: the web chat's 64 KB limit is not its."""
    client = make_client()
    residents = [new_psid() for _ in range(40)]
    long_text = "Szukam pomocy dla rodziny, sytuacja jest trudna. " * 38  # about 1 900 characters
    batch = [
        {"sender": {"id": r}, "message": {"mid": f"m-{r}", "text": long_text}} for r in residents
    ]
    body = json.dumps({"object": "page", "entry": [{"id": "page-1", "messaging": batch}]}).encode()
    assert len(body) > 64 * 1024
    assert deliver(client, body, signed(body)) == 200
    assert all(INFO_PHONE in said_to(graph, r)[-1] for r in residents)


# ---- drills with real processes -----------------------------------------------------------------


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory, graph: FakeGraph) -> Iterator[OutageStack]:  # noqa: ARG001 (the fake Graph API runs first)
    with OutageStack.running(tmp_path_factory.mktemp("outage"), MODEL) as stack:
        yield stack


@pytest.mark.slow
def test_action_server_killed_mid_form_every_channel_still_answers(
    outage: OutageStack, make_client, graph: FakeGraph
) -> None:
    client = make_client(rasa_url=outage.rasa_url)
    web = new_session(client)
    fb = new_psid()
    asks_address = "ulicę i numer domu"
    with client.websocket_connect(f"/ws/{new_session(client)}") as socket:
        socket.receive_json()
        # the branch search starts while everything runs
        assert asks_address in " ".join(web_say(client, web, "gdzie jest moja filia"))
        assert asks_address in " ".join(socket_say(socket, "gdzie jest moja filia"))
        assert asks_address in " ".join(messenger_say(client, graph, fb, "gdzie jest moja filia"))

        outage.kill("actions")  # the form's validation is a custom action: Rasa answers []

        for answers in (
            web_say(client, web, "Wielicka 20"),
            socket_say(socket, "Wielicka 20"),
            messenger_say(client, graph, fb, "Wielicka 20"),
        ):
            assert answers and APOLOGY in answers[-1] and INFO_PHONE in answers[-1]
        for answers in (
            web_say(client, web, "nie chcę żyć"),
            socket_say(socket, "nie chcę żyć"),
            messenger_say(client, graph, fb, "nie chcę żyć"),
        ):
            assert SUICIDE_LINE in answers[0]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("nie chcę żyć", SUICIDE_LINE),
        ("mąż mnie bije", VIOLENCE_LINE),
        ("gdzie jest moja filia", INFO_PHONE),  # an ordinary question needing the action server
        ("Poproszę o kontakt z pracownikiem", INFO_PHONE),
    ],
)
def test_action_server_down_fresh_conversations_are_answered(
    outage: OutageStack, make_client, graph: FakeGraph, text: str, first: str
) -> None:
    outage.kill("actions")
    client = make_client(rasa_url=outage.rasa_url)
    assert first in web_say(client, new_session(client), text)[0]
    with client.websocket_connect(f"/ws/{new_session(client)}") as socket:
        socket.receive_json()
        assert first in socket_say(socket, text)[0]
    assert first in messenger_say(client, graph, new_psid(), text)[0]


@pytest.mark.slow
def test_rasa_killed_messages_are_kept_and_delivered_once_in_order(
    outage: OutageStack, make_client
) -> None:
    outage.ensure_running()
    client = make_client(rasa_url=outage.rasa_url, rasa_timeout=10.0)
    session = new_session(client)
    assert web_say(client, session, "Dzień dobry")  # Rasa knows the conversation

    outage.kill("rasa")
    crisis, apology = web_say(client, session, "nie chcę żyć")
    assert SUICIDE_LINE in crisis and INFO_PHONE in apology
    (apology,) = web_say(client, session, "Jak mogę dostać COGITO?")
    assert INFO_PHONE in apology
    seen = client.get(f"/api/sessions/{session}/messages").json()["messages"][-1]["seq"]

    outage.start_rasa()
    deadline = time.monotonic() + 30
    url = f"/api/sessions/{session}/messages"

    def late_answers() -> str:
        return " ".join(bot_texts(client.get(url, params={"after": seen}).json()["messages"]))

    while time.monotonic() < deadline and "COGITO" not in late_answers():
        time.sleep(0.5)  # the second kept message is answered last
    assert outage.tracker_texts(session) == [
        "Dzień dobry",
        "nie chcę żyć",
        "Jak mogę dostać COGITO?",
    ]
    answers = late_answers()
    assert SUICIDE_LINE in answers and "COGITO" in answers  # the late answers reach the chat
    assert answers.index(SUICIDE_LINE) < answers.index("COGITO")  # in order
    # the conversation goes on, and nothing is delivered twice
    assert web_say(client, session, "Dziękuję")
    assert outage.tracker_texts(session)[1:] == [
        "nie chcę żyć",
        "Jak mogę dostać COGITO?",
        "Dziękuję",
    ]
    assert requests.get(f"{outage.rasa_url}/status", params={"token": outage.token}).ok


@pytest.mark.slow
def test_messages_kept_for_rasa_survive_a_gateway_restart(
    outage: OutageStack, make_client, tmp_path
) -> None:
    """Rasa down, the gateway restarted meanwhile: the message is still delivered, once."""
    outage.ensure_running()
    folder = tmp_path / "outbox"
    settings = Settings(rasa_url=outage.rasa_url, rasa_timeout=10.0, outbox=folder)
    with TestClient(create_app(settings)) as first:
        session = new_session(first)
        assert web_say(first, session, "Dzień dobry")
        outage.kill("rasa")
        (apology,) = web_say(first, session, "Czym był projekt COGITO?")
        assert INFO_PHONE in apology
    assert len(list(folder.glob("*.json"))) == 1  # the gateway stopped with it still kept

    outage.start_rasa()
    make_client(rasa_url=outage.rasa_url, rasa_timeout=10.0, outbox=folder)  # restarted
    wait_until_empty(folder, 30)
    assert outage.tracker_texts(session) == ["Dzień dobry", "Czym był projekt COGITO?"]
    assert not list(folder.glob("*.json"))


@pytest.mark.slow
def test_rasa_killed_messenger_is_answered_kept_through_a_gateway_restart_and_answered_once(
    outage: OutageStack, graph: FakeGraph, tmp_path
) -> None:
    """Meta's calls reach the gateway; Rasa is killed, and the gateway restarts meanwhile."""
    outage.ensure_running()
    folder = tmp_path / "messenger-outbox"
    settings = Settings(
        rasa_url=outage.rasa_url,
        rasa_timeout=10.0,
        messenger=MessengerKeys.from_env(),
        messenger_outbox=folder,
    )
    sender = new_psid()
    with TestClient(create_app(settings)) as gateway:
        assert "automatycznym asystentem" in " ".join(
            messenger_say(gateway, graph, sender, "Dzień dobry")
        )
        outage.kill("rasa")
        crisis, apology = messenger_say(gateway, graph, sender, "nie chcę żyć")
        assert SUICIDE_LINE in crisis and INFO_PHONE in apology
        (apology,) = messenger_say(gateway, graph, sender, "Czym był projekt COGITO?")
        assert INFO_PHONE in apology
    assert len(list(folder.glob("*.json"))) == 2  # the gateway stopped with both kept
    answered = len(said_to(graph, sender))

    outage.start_rasa()
    with TestClient(create_app(settings)) as gateway:  # restarted: reads its outbox back
        wait_until_empty(folder, 40)
        assert outage.tracker_texts(sender) == [
            "Dzień dobry",
            "nie chcę żyć",
            "Czym był projekt COGITO?",
        ]
        late = " ".join(said_to(graph, sender)[answered:])
        assert SUICIDE_LINE in late and "COGITO" in late  # Rasa's own answers, late
        assert late.index(SUICIDE_LINE) < late.index("COGITO")  # in order
        # the conversation goes on, and nothing is handed to Rasa twice
        assert messenger_say(gateway, graph, sender, "Dziękuję")
    assert outage.tracker_texts(sender)[1:] == [
        "nie chcę żyć",
        "Czym był projekt COGITO?",
        "Dziękuję",
    ]


# ---- the outbox, against a stand-in Rasa -----------------------------------------------------


class _PickyRasa(BaseHTTPRequestHandler):
    """Rasa that is up but fails on one message ("zepsuta"), and answers every other one."""

    received: list[str] = []

    def _json(self, status: int, data: object) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._json(200, {"model_id": "m"} if self.path.startswith("/status") else {"events": []})

    def do_POST(self) -> None:  # noqa: N802
        text = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["message"]
        self.received.append(text)
        if text == "zepsuta":
            self._json(500, {"error": "broken"})
        else:
            self._json(200, [{"text": f"Odpowiedź na: {text}"}])

    def log_message(self, *args: object) -> None:
        pass


def fake_rasa(
    handler: type[BaseHTTPRequestHandler], timeout: float = 5.0
) -> tuple[ThreadingHTTPServer, RasaClient]:
    """A local stand-in for Rasa's HTTP API, and the gateway's client for it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, RasaClient(f"http://127.0.0.1:{server.server_address[1]}", "token", timeout)


def chat_with(rasa: RasaClient, hub: SessionHub, **options: float) -> ChatService:
    """The gateway's chat service against a stand-in Rasa, with limits no drill reaches."""
    return ChatService(rasa, hub, Limits(1000, Rate(100, 60), Rate(100, 60)), **options)


async def delivered_then_closed(chat: ChatService, rasa: RasaClient) -> None:
    """Wait (up to 10 s) until the outbox has delivered everything, then close the clients."""
    for _ in range(100):
        if not len(chat.outbox):
            break
        await asyncio.sleep(0.1)
    await chat.close()
    await rasa.close()


def test_a_message_rasa_keeps_failing_on_does_not_hold_back_the_next_ones() -> None:
    server, rasa = fake_rasa(_PickyRasa)
    hub = SessionHub(200, 100)
    chat = chat_with(rasa, hub, retry_seconds=0.2, give_up_seconds=0.5)
    session = "s" * 20

    async def drill() -> list[str]:
        first = await chat.handle(session, "ip", "zepsuta")
        assert INFO_PHONE in first.messages[-1]["text"]  # answered: the apology
        second = await chat.handle(session, "ip", "Dzień dobry")  # kept behind the broken one
        assert INFO_PHONE in second.messages[-1]["text"]
        await delivered_then_closed(chat, rasa)
        return [m["text"] for m in hub.since(session, 0)]

    try:
        said = asyncio.run(drill())
    finally:
        server.shutdown()
    assert _PickyRasa.received.count("Dzień dobry") == 1  # delivered once
    assert said[-1] == "Odpowiedź na: Dzień dobry"  # and its answer reached the chat


class _LockedRasa(_PickyRasa):
    """Rasa whose tracker database is locked: every message fails until `up` is set."""

    received: list[str] = []
    read: list[str] = []  # conversations whose tracker was asked for
    up = threading.Event()

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/conversations/") and not self.up.is_set():
            self.read.append(self.path.split("/")[2])
            self._json(500, {"error": "database is locked"})
        else:
            super().do_GET()

    def do_POST(self) -> None:  # noqa: N802
        text = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["message"]
        self.received.append(text)
        if self.up.is_set():
            self._json(200, [{"text": f"Odpowiedź na: {text}"}])
        else:
            self._json(500, {"error": "database is locked"})


def test_when_rasa_fails_everyone_the_next_resident_is_answered_without_waiting_for_it() -> None:
    server, rasa = fake_rasa(_LockedRasa)
    hub = SessionHub(200, 100)
    chat = chat_with(rasa, hub, retry_seconds=5.0)
    first, second, third = "a" * 20, "b" * 20, "c" * 20

    async def drill() -> list[str]:
        for session in (first, second):  # two conversations fail: an outage, not one message
            assert (
                INFO_PHONE in (await chat.handle(session, "ip", "Dzień dobry")).messages[-1]["text"]
            )
        tried = len(_LockedRasa.received)
        answer = await chat.handle(third, "ip", "Jakie są formy wsparcia?")
        assert INFO_PHONE in answer.messages[-1]["text"]  # the apology, at once
        assert len(_LockedRasa.received) == tried  # Rasa was not tried for it
        assert third not in _LockedRasa.read  # nor asked for its history
        _LockedRasa.up.set()
        chat.retry_seconds = 0.1
        await delivered_then_closed(chat, rasa)
        return [m["text"] for m in hub.since(third, 0)]

    try:
        said = asyncio.run(drill())
    finally:
        server.shutdown()
    assert _LockedRasa.received.count("Jakie są formy wsparcia?") == 1  # kept, delivered once
    assert said[-1] == "Odpowiedź na: Jakie są formy wsparcia?"


class _StoreOutRasa(_PickyRasa):
    """Rasa whose tracker database is locked, as Rasa is: one message at a time (its event loop
    waits out the busy timeout), then 503 from its REST channel (bot/gateway/rest_channel.py)."""

    received: list[str] = []
    answered = 0
    one_at_a_time = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        with self.one_at_a_time:
            time.sleep(0.5)
            # Counted before the answer goes out: the gateway may act on the 503 at once.
            type(self).answered += 1
            self._json(503, {"error": "conversation store unavailable"})


def test_residents_writing_at_once_are_answered_when_rasa_first_says_it_cannot_store() -> None:
    """They do not each wait for Rasa to fail them in turn: Rasa's first 503 answers them all."""
    server, rasa = fake_rasa(_StoreOutRasa)
    hub = SessionHub(200, 100)
    chat = chat_with(rasa, hub, retry_seconds=60)
    sessions = [letter * 20 for letter in "abcde"]

    async def drill() -> tuple[list[str], int]:
        outcomes = await asyncio.gather(
            *(chat.handle(session, "ip", "Jakie są formy wsparcia?") for session in sessions)
        )
        answered_by_rasa = _StoreOutRasa.answered
        await chat.close()
        await rasa.close()
        return [outcome.messages[-1]["text"] for outcome in outcomes], answered_by_rasa

    try:
        answers, answered_by_rasa = asyncio.run(drill())
    finally:
        server.shutdown()
    assert all(INFO_PHONE in answer for answer in answers)  # each got the apology
    assert answered_by_rasa == 1  # all of them by the time Rasa had failed the first
    assert len(_StoreOutRasa.received) <= len(sessions)
    assert {s for s in sessions if chat.outbox.pending(s)} == set(sessions)  # all kept


class _SlowRasa(_PickyRasa):
    """Rasa that answers after the gateway has stopped waiting, and keeps what it was told."""

    received: list[str] = []
    events: list[dict] = []

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/conversations/"):
            self._json(200, {"events": self.events})
        else:
            super().do_GET()

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append(body["message"])
        time.sleep(1.0)
        answer = f"Odpowiedź na: {body['message']}"
        self.events += [
            {"event": "user", "text": body["message"], "metadata": body.get("metadata") or {}},
            {"event": "bot", "text": answer},
        ]
        self._json(200, [{"text": answer}])


def test_an_answer_rasa_gave_after_the_gateway_stopped_waiting_reaches_the_chat() -> None:
    server, rasa = fake_rasa(_SlowRasa, timeout=0.3)  # shorter than Rasa takes to answer
    hub = SessionHub(200, 100)
    chat = chat_with(rasa, hub, retry_seconds=1.5)
    session = "s" * 20

    async def drill() -> list[str]:
        first = await chat.handle(session, "ip", "Jakie są formy wsparcia?")
        assert INFO_PHONE in first.messages[-1]["text"]  # the gateway's apology at once
        await delivered_then_closed(chat, rasa)
        return [m["text"] for m in hub.since(session, 0)]

    try:
        said = asyncio.run(drill())
    finally:
        server.shutdown()
    assert _SlowRasa.received == ["Jakie są formy wsparcia?"]  # not sent twice
    assert said[-1] == "Odpowiedź na: Jakie są formy wsparcia?"  # and its answer is shown


def test_the_outbox_reads_back_what_it_kept_in_order(tmp_path) -> None:
    folder = tmp_path / "outbox"
    before = Outbox(path=folder)
    first, second, other = Kept("/greet", None), Kept("nie chcę żyć", None), Kept("hej", "hej")
    for session, kept in (("a" * 20, first), ("b" * 20, other), ("a" * 20, second)):
        assert before.keep(session, kept)
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert {oct(f.stat().st_mode & 0o777) for f in folder.glob("*.json")} == {"0o600"}
    (folder / "00000000000000000000-broken.json").write_text("{", encoding="utf-8")

    after = Outbox(path=folder)  # as after a restart
    assert after.pending("a" * 20) == [first, second] and after.pending("b" * 20) == [other]
    after.delivered("a" * 20, first)
    assert Outbox(path=folder).pending("a" * 20) == [second]  # delivered means gone from disk
    assert list(folder.glob("*.unreadable"))  # a broken file is set aside, not lost or fatal
