"""Tracker database locked: how long residents writing at once wait for an answer.

    python -m benchmarks.bench_outage [--residents N]

Starts the action server, Rasa and the gateway as `bench_gateway` does, lets N residents each
say „Dzień dobry” (so that their conversations exist), then holds an exclusive lock on Rasa's
SQLite tracker (another connection: a long deletion, a stuck process) while all N send their next
message at once through the gateway's HTTP API. Each must be answered (the apology and the
information point) while the lock lasts. Goal: every answer within 1 s. The drill that checks
what is answered and that nothing is lost is tests/gateway/test_database_drills.py.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from benchmarks.bench_gateway import local_stack

GOAL_SECONDS = 1.0


def answer_time(gateway: str, session: str) -> float:
    started = time.perf_counter()
    response = requests.post(
        f"{gateway}/api/sessions/{session}/messages",
        json={"text": "Jakie są formy wsparcia?"},
        timeout=60,
    )
    took = time.perf_counter() - started
    said = [m for m in response.json().get("messages", []) if m.get("role") == "bot"]
    if response.status_code != 200 or not said:
        raise SystemExit(f"no answer: {response.status_code} {response.text[:200]}")
    return took


def measure(gateway: str, tracker: str, residents: int) -> bool:
    sessions = [
        requests.post(f"{gateway}/api/sessions", timeout=10).json()["session"]
        for _ in range(residents)
    ]
    for session in sessions:
        requests.post(
            f"{gateway}/api/sessions/{session}/messages", json={"text": "Dzień dobry"}, timeout=60
        ).raise_for_status()
    lock = sqlite3.connect(tracker, isolation_level=None, timeout=30)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        with ThreadPoolExecutor(residents) as pool:
            times = sorted(pool.map(lambda s: answer_time(gateway, s), sessions))
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    print(f"\n{residents} residents at once, tracker locked: answered in")
    print("  " + ", ".join(f"{t:.2f}" for t in times) + " s")
    ok = times[-1] <= GOAL_SECONDS
    print(f"goal: every answer within {GOAL_SECONDS:.0f} s — {'met' if ok else 'NOT met'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--residents", type=int, default=5)
    args = parser.parse_args()
    with local_stack() as (_rasa, gateway, folder):
        ok = measure(gateway, str(folder / "tracker.db"), args.residents)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
