"""2 000 generated messages over the web API, the WebSocket and Messenger against the real stack.

Random Unicode (unpaired surrogates, control characters, emoji, right-to-left scripts), empty and
huge messages, "/commands" and payloads nobody offered, sent concurrently through the real gateway
(Messenger's too, handed on to Rasa's channel). What must hold: no 5xx, no message without an
answer (a reply or a refusal the resident can read), and what was accepted is exactly what was
stored, in the gateway's history and in Rasa's tracker (what staff see).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
import requests

from tests.conftest import RasaStack, start_gateway
from tests.fake_graph import FakeGraph, messages_to, now_ms, signed, webhook

pytestmark = pytest.mark.slow

SEED = 11
WEB_SESSIONS, WS_SESSIONS, FB_SENDERS = 30, 25, 15
PER_CONVERSATION = 29  # 29 × (30 + 25 + 15) = 2 030 messages
CONCURRENCY = 12
SAMPLES = [
    "Dzień dobry",
    "gdzie jest moja filia",
    "Jak mogę dostać COGITO?",
    "Czym jest projekt Pora na aktywność?",
    "Jakie są formy wsparcia?",
    "dziękuję",
    "kontakt z MOPS",
    "mieszkam na ul. Wielickiej 20",
    "nie wiem",
    "zasilek stały",
]
SLASHES = [
    "/restart",
    "/back",
    "/pora",
    "/request_human",
    '/inform_district{"district":"XII"}',
    "/crisis_suicide",
    "/",
    "//",
    "/ PESEL 02270803628",
    "/greet@0.5",
    "  /help  ",
]
_RANGES = [(0x20, 0x7E), (0xA0, 0x17F), (0x590, 0x6FF), (0x4E00, 0x4FFF), (0x1F300, 0x1FAFF)]


def _random_unicode(rng: random.Random, size: int) -> str:
    low, high = rng.choice(_RANGES)
    return "".join(chr(rng.randint(low, high)) for _ in range(size))


def random_text(rng: random.Random, huge: int) -> str:
    """One generated message; `huge` is the size of the largest kind this entrance can carry."""
    kind = rng.choices(
        ["sample", "slash", "unicode", "emoji", "control", "surrogate", "empty", "long", "huge"],
        # about a quarter reaches Rasa (some 150 ms of CPU each): the run stays near a minute
        weights=[8, 5, 5, 2, 12, 12, 8, 12, 6],
    )[0]
    if kind == "sample":
        return rng.choice(SAMPLES)
    if kind == "slash":
        return rng.choice(SLASHES)
    if kind == "unicode":
        return _random_unicode(rng, rng.randint(1, 60))
    if kind == "emoji":
        return "".join(chr(rng.randint(0x1F600, 0x1F64F)) for _ in range(rng.randint(1, 8)))
    if kind == "control":
        text = rng.choice(SAMPLES)
        cut = rng.randint(0, len(text))
        return text[:cut] + chr(rng.choice([0, 7, 27, 127, 0x85, 0x9F])) + text[cut:]
    if kind == "surrogate":
        text = _random_unicode(rng, rng.randint(0, 20))
        return text + chr(rng.randint(0xD800, 0xDFFF)) + rng.choice(SAMPLES)
    if kind == "empty":
        return rng.choice(["", " ", "\n\t ", "\u3000"])
    if kind == "long":
        return _random_unicode(rng, rng.randint(1001, 3000))
    return "x" * huge


def random_payload(rng: random.Random) -> str | None:
    """Mostly none; else a payload no button offered, sometimes unreadable or huge."""
    return rng.choice(
        [None] * 6 + ["/request_human", "/crisis_suicide", "/contact_info\ud800", "y" * 1500]
    )


@dataclass
class Record:
    """What one conversation sent, what was accepted, and what went wrong."""

    accepted: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    sent: int = 0


def ascii_json(data: object) -> str:
    return json.dumps(data)  # ASCII escapes: lone surrogates travel as valid JSON


@pytest.fixture(scope="module")
def fuzz_gateway(rasa_stack: RasaStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real gateway, with rate limits out of the way (every message must reach the checks)."""
    log: Path = tmp_path_factory.mktemp("fuzz") / "gateway.log"
    url, process = start_gateway(
        rasa_stack.rasa_url, log, GATEWAY_SESSION_RATE="100000/60", GATEWAY_IP_RATE="100000/60"
    )
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


async def web_conversation(http: aiohttp.ClientSession, base: str, seed: int) -> tuple[str, Record]:
    rng, record = random.Random(seed), Record()
    async with http.post(f"{base}/api/sessions") as response:
        session = (await response.json())["session"]
    for _ in range(PER_CONVERSATION):
        text, payload = random_text(rng, 70_000), random_payload(rng)
        body = ascii_json({"text": text, **({"payload": payload} if payload else {})})
        record.sent += 1
        async with http.post(
            f"{base}/api/sessions/{session}/messages",
            data=body,
            headers={"Content-Type": "application/json"},
        ) as response:
            answer = await response.json(content_type=None)
            if response.status >= 500:
                record.problems.append(f"{response.status} for {text[:40]!r}")
            elif response.status == 200:
                user, *bots = answer["messages"]
                if user["text"] != text or not bots:
                    record.problems.append(f"silent or changed: {text[:40]!r} -> {answer}")
                record.accepted.append(text)
            elif not answer.get("refused", {}).get("text"):
                record.problems.append(f"refused without words: {response.status} {answer}")
    return session, record


def answered(frame: dict) -> bool:
    """The last frame for one message: the typing indicator off, or a refusal."""
    return frame == {"type": "typing", "on": False} or frame.get("type") in ("refused", "error")


async def ws_conversation(http: aiohttp.ClientSession, base: str, seed: int) -> tuple[str, Record]:
    rng, record = random.Random(seed), Record()
    async with http.post(f"{base}/api/sessions") as response:
        session = (await response.json())["session"]
    async with http.ws_connect(f"{base.replace('http', 'ws')}/ws/{session}") as socket:
        await socket.receive_json()  # the history
        for _ in range(PER_CONVERSATION):
            text, payload = random_text(rng, 20_000), random_payload(rng)
            frame = {"type": "message", "text": text, **({"payload": payload} if payload else {})}
            record.sent += 1
            await socket.send_str(ascii_json(frame))
            frames: list[dict] = []
            while not frames or not answered(frames[-1]):
                frames.append(await asyncio.wait_for(socket.receive_json(), timeout=60))
            if frames[-1].get("type") == "refused":
                if not frames[-1].get("text"):
                    record.problems.append(f"refused without words: {frames[-1]}")
                continue
            if frames[-1].get("type") == "error":
                record.problems.append(f"error for {text[:40]!r}: {frames[-1]}")
                continue
            said = [f for f in frames if f.get("type") == "message"]
            if not said or said[0]["text"] != text or not [f for f in said if f["role"] == "bot"]:
                record.problems.append(f"silent or changed over the socket: {text[:40]!r}")
            record.accepted.append(text)
    return session, record


REFUSALS = ("Wiadomość zawiera znaki", "Wiadomość jest za długa", "Proszę wpisać wiadomość")


async def fb_conversation(
    http: aiohttp.ClientSession, base: str, graph: FakeGraph, seed: int
) -> tuple[str, Record]:
    """Meta's calls reach the gateway, which hands them on to Rasa's channel."""
    rng, record = random.Random(seed), Record()
    sender = f"fb-fuzz-{uuid.uuid4().hex[:10]}"
    for _ in range(PER_CONVERSATION):
        text, payload = random_text(rng, 5_000), random_payload(rng)
        message: dict = {"mid": f"m-{uuid.uuid4().hex}", "text": text}
        if payload:
            message["quick_reply"] = {"payload": payload}
        entry = {"sender": {"id": sender}, "recipient": {"id": "page-1"}, "timestamp": now_ms()}
        call = {"object": "page", "entry": [{"id": "page-1", "time": 1, "messaging": [entry]}]}
        entry["message"] = message
        body = ascii_json(call).encode()
        before = len(messages_to(graph, sender))
        record.sent += 1
        async with http.post(webhook(base), data=body, headers=signed(body)) as response:
            if response.status >= 500:
                record.problems.append(f"{response.status} for {text[:40]!r}")
                continue
        new = messages_to(graph, sender)[before:]
        if not new:
            record.problems.append(f"silent on Messenger: {text[:40]!r}")
        elif not (len(new) == 1 and (new[0].get("text") or "").startswith(REFUSALS)):
            record.accepted.append(text or str(payload))  # a tapped quick reply without a title
    return sender, record


def tracker_texts(stack: RasaStack, sender: str) -> list[str]:
    return [
        str((e.get("metadata") or {}).get("shown") or e.get("text"))
        for e in stack.tracker(sender)["events"]
        if e["event"] == "user"
    ]


async def run_all(base: str, graph: FakeGraph) -> list[tuple[str, str, Record]]:
    limit = asyncio.Semaphore(CONCURRENCY)
    timeout = aiohttp.ClientTimeout(total=120)

    async with aiohttp.ClientSession(timeout=timeout) as http:

        async def one(channel: str, seed: int) -> tuple[str, str, Record]:
            async with limit:
                if channel == "web":
                    sender, record = await web_conversation(http, base, seed)
                elif channel == "ws":
                    sender, record = await ws_conversation(http, base, seed)
                else:
                    sender, record = await fb_conversation(http, base, graph, seed)
                return channel, sender, record

        jobs = [one("web", SEED * 1000 + i) for i in range(WEB_SESSIONS)]
        jobs += [one("ws", SEED * 2000 + i) for i in range(WS_SESSIONS)]
        jobs += [one("fb", SEED * 3000 + i) for i in range(FB_SENDERS)]
        random.Random(SEED).shuffle(jobs)  # the three channels at once
        return list(await asyncio.gather(*jobs))


def test_two_thousand_fuzzed_messages_no_5xx_no_silence_accepted_equals_stored(
    fuzz_gateway: str, rasa_stack: RasaStack, graph: FakeGraph
) -> None:
    started = time.monotonic()
    results = asyncio.run(run_all(fuzz_gateway, graph))
    took = time.monotonic() - started
    sent = sum(record.sent for _, _, record in results)
    accepted = sum(len(record.accepted) for _, _, record in results)
    problems = [p for _, _, record in results for p in record.problems]
    print(f"fuzz: {sent} messages, {accepted} accepted, {took:.1f} s")
    assert sent >= 2000 and 0.1 * sent < accepted < 0.6 * sent
    assert problems == []
    for channel, sender, record in results:
        stored = [text.strip() for text in tracker_texts(rasa_stack, sender)]  # Rasa strips
        assert stored == [text.strip() for text in record.accepted], (channel, sender)
        if channel != "fb":
            url = f"{fuzz_gateway}/api/sessions/{sender}/messages"
            history = requests.get(url, timeout=30).json()["messages"]
            assert [m["text"] for m in history if m["role"] == "user"] == record.accepted
