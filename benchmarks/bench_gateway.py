"""Web chat gateway: latency of a message through the gateway beside straight to Rasa.

    python -m benchmarks.bench_gateway [--rasa URL --gateway URL] [--messages N]

Without URLs it starts the action server, Rasa and the gateway on free local ports (the gateway's
rate limits raised: the benchmark is one IP sending fast). At 1 and at 20 concurrent
conversations each conversation sends the same questions, once straight to Rasa's REST webhook
and once through the gateway's WebSocket (what the widget uses), rounds alternating so that both
see the same machine. Latency: from sending to the last reply. Goal: the gateway adds under 10 %
to the median and the p95.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
from websockets.legacy.client import connect  # what websockets.connect is in 10.4

from bot.evaluation import stack
from bot.paths import PROJECT_ROOT

QUESTIONS = [
    "Dzień dobry",
    "Czym jest projekt Pora na aktywność?",
    "czy moge sie jeszcze zapisac do cogito",
    "czy moge dostac asystenta rodzinnego?",
    "Jakie są formy wsparcia?",
    "ile wynosi zasilek 800 plus?",
]
GOAL = 0.10
Sender = Callable[[str, str], Awaitable[float]]


def wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    try:
        stack.wait_until_up(url, [process], [log], timeout=120)
    except stack.StackError as error:
        raise SystemExit(str(error)) from error


@contextmanager
def local_stack() -> Iterator[tuple[str, str, Path]]:
    """Action server and Rasa as the tests start them (bot.evaluation.stack: the action server's
    token, Rasa's launcher), and the gateway; their logs and Rasa's tracker.db in a temp folder."""
    for name, value in (
        ("FACEBOOK_VERIFY_TOKEN", "dev-verify-token"),
        ("FACEBOOK_APP_SECRET", "dev-app-secret"),
        ("FACEBOOK_PAGE_ACCESS_TOKEN", "dev-page-access-token"),
    ):
        os.environ.setdefault(name, value)
    tmp = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    print(f"starting Rasa, the action server and the gateway (logs: {tmp}) …", flush=True)
    try:
        with stack.rasa_stack(PROJECT_ROOT / "models" / "mops.tar.gz", tmp) as running:
            gateway_port = stack.free_port()
            gateway, log = f"http://127.0.0.1:{gateway_port}", tmp / "gateway.log"
            env = {
                **os.environ,
                "GATEWAY_HOST": "127.0.0.1",
                "GATEWAY_PORT": str(gateway_port),
                "GATEWAY_RASA_URL": running.rasa_url,
                "GATEWAY_IP_RATE": "1000000/60",
                "GATEWAY_SESSION_RATE": "1000000/60",
                "GATEWAY_LOG_LEVEL": "WARNING",
            }
            process = subprocess.Popen(
                [str(stack.BIN / "python"), "-m", "bot.gateway"],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
            try:
                wait_for(f"{gateway}/health", process, log)
                wait_for(f"{gateway}/ready", process, log)
                yield running.rasa_url, gateway, tmp
            finally:
                process.terminate()
                process.wait(timeout=30)
    except stack.StackError as error:
        raise SystemExit(str(error)) from error


def direct_sender(client: aiohttp.ClientSession, rasa: str) -> Sender:
    """Straight to Rasa with aiohttp, the client the gateway itself uses."""

    async def send(sender: str, text: str) -> float:
        started = time.perf_counter()
        body = {"sender": sender, "message": text}
        async with client.post(f"{rasa}/webhooks/rest/webhook", json=body) as response:
            response.raise_for_status()
            assert await response.json(), "Rasa gave no reply"
        return time.perf_counter() - started

    return send


async def gateway_conversation(gateway: str, sender: str, texts: list[str]) -> list[float]:
    """One widget-like conversation over the WebSocket; the latency of each message."""
    url = gateway.replace("http", "ws", 1) + f"/ws/{sender}"
    times = []
    async with connect(url, max_size=2**20) as ws:
        json.loads(await ws.recv())  # history
        for text in texts:
            started = time.perf_counter()
            await ws.send(json.dumps({"type": "message", "text": text}))
            while True:  # the replies end with the typing indicator switched off
                frame = json.loads(await ws.recv())
                if frame.get("type") == "refused":
                    raise SystemExit(f"gateway refused a message: {frame}")
                if frame == {"type": "typing", "on": False}:
                    break
            times.append(time.perf_counter() - started)
    return times


async def direct_conversation(send: Sender, sender: str, texts: list[str]) -> list[float]:
    return [await send(sender, text) for text in texts]


async def round_of(path: str, concurrency: int, texts: list[str], rasa: str, gateway: str):
    """`concurrency` conversations at once, each sending `texts`; all latencies in seconds."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(120)) as client:
        send = direct_sender(client, rasa)
        senders = [f"bench-{path}-{uuid.uuid4().hex[:16]}" for _ in range(concurrency)]
        if path == "direct":
            runs = [direct_conversation(send, s, texts) for s in senders]
        else:
            runs = [gateway_conversation(gateway, s, texts) for s in senders]
        return [t for times in await asyncio.gather(*runs) for t in times]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(rasa: str, gateway: str, messages: int, rounds: int) -> bool:
    texts = (QUESTIONS * (messages // len(QUESTIONS) + 1))[:messages]
    asyncio.run(round_of("direct", 2, texts[:3], rasa, gateway))  # warm-up
    asyncio.run(round_of("gateway", 2, texts[:3], rasa, gateway))
    ok = True
    print(f"\n{'chats':>5} {'path':<8} {'messages':>8} {'median ms':>10} {'p95 ms':>8}  added")
    for concurrency in (1, 20):
        results: dict[str, list[float]] = {"direct": [], "gateway": []}
        for _ in range(rounds):  # alternate, so both paths see the same load on the machine
            for path in results:
                results[path] += asyncio.run(round_of(path, concurrency, texts, rasa, gateway))
        base = results["direct"]
        for path, times in results.items():
            median, p95 = statistics.median(times) * 1000, percentile(times, 0.95) * 1000
            added = ""
            if path == "gateway":
                extra = [
                    median / (statistics.median(base) * 1000) - 1,
                    p95 / (percentile(base, 0.95) * 1000) - 1,
                ]
                ok &= all(e < GOAL for e in extra)
                added = f"median {extra[0]:+.1%}, p95 {extra[1]:+.1%}"
            row = f"{concurrency:>5} {path:<8} {len(times):>8} {median:>10.1f} {p95:>8.1f}"
            print(f"{row}  {added}")
    print(f"\ngoal: the gateway adds under {GOAL:.0%} — {'met' if ok else 'NOT met'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rasa", help="a running Rasa (REST channel), e.g. http://127.0.0.1:5005")
    parser.add_argument("--gateway", help="a running gateway, e.g. http://127.0.0.1:8000")
    parser.add_argument("--messages", type=int, default=12, help="per conversation and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.rasa and args.gateway:
        ok = measure(args.rasa, args.gateway, args.messages, args.rounds)
    else:
        with local_stack() as (rasa, gateway, _folder):
            ok = measure(rasa, gateway, args.messages, args.rounds)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
