"""The review list at 100 000 generated conversations: initial sync time, then the median time of
list pages (first page, a deep keyset page, filters, full-text search) and of the analytics
page's aggregates.

    .venv/bin/python -m benchmarks.bench_review [--conversations 100000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select

from bot.review.analytics import compute
from bot.review.conversations import ConversationIndex
from bot.review.filters import Filters
from bot.review.routes.charts import charts
from bot.review.settings import ReviewSettings
from bot.review.tracker import EVENTS, METADATA, tracker_engine
from bot.storage import Database, upgrade
from tests.review.conftest import Turn, event_rows

TEXTS = [
    ("mieszkam na józefińskiej 14", "inform_address", 0.97),
    ("jak zapisać się na warsztaty", "ask_how_to_join", 0.88),
    ("ile wynosi zasiłek celowy", "nlu_fallback", 0.31),
    ("mój pesel 85010112344, tel 601 234 567", "inform", 0.52),
    ("dzień dobry", "greet", 0.99),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-review-"))
    tracker = tracker_engine(f"sqlite:///{folder / 'tracker.db'}")
    METADATA.create_all(tracker)
    rng = random.Random(6)
    start = datetime(2026, 8, 1, tzinfo=timezone.utc)
    began = time.perf_counter()
    rows: list[dict] = []
    with tracker.begin() as connection:
        for n in range(args.conversations):
            turns = [Turn(*rng.choice(TEXTS)) for _ in range(rng.randint(1, 3))]
            moment = start + timedelta(seconds=rng.randint(0, 90 * 86400))
            rows += event_rows(f"conv-{n:06}", moment.timestamp(), turns, district="XIII")
            if len(rows) > 20_000:
                connection.execute(EVENTS.insert(), rows)
                rows = []
        if rows:
            connection.execute(EVENTS.insert(), rows)
    with tracker.connect() as connection:
        events = connection.execute(select(func.count()).select_from(EVENTS)).scalar()
    print(
        f"generated {args.conversations} conversations, {events} events "
        f"in {time.perf_counter() - began:.1f} s"
    )
    url = f"sqlite:///{folder / 'console.db'}"
    upgrade(url)
    index = ConversationIndex(Database(url), ReviewSettings(tracker_url=""), tracker)
    began = time.perf_counter()
    index.sync()
    print(f"initial sync: {time.perf_counter() - began:.1f} s (once; later syncs read new events)")
    deep = None
    page = index.list(Filters())
    for _ in range(200):  # a cursor 10 000 conversations deep
        page = index.list(Filters(), page.next_cursor)
    deep = page.next_cursor
    cases = {
        "first page": (Filters(), None),
        "page 201 (keyset)": (Filters(), deep),
        "low confidence or fallback": (Filters(trouble=True), None),
        "intent + not reviewed": (Filters(intent="inform_address", reviewed=False), None),
        "one week": (
            Filters(date_from=datetime(2026, 9, 1).date(), date_to=datetime(2026, 9, 7).date()),
            None,
        ),
        "search 'warsztaty'": (Filters(q="warsztaty"), None),
        "search, rare word": (Filters(q="nieistniejące"), None),
        "sync with nothing new": None,
        "analytics, all 90 days": "analytics",
        "analytics, one week": "analytics-week",
    }
    for name, case in cases.items():
        times = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            if case is None:
                index.sync()
            elif case == "analytics":
                charts(compute(index.db))
            elif case == "analytics-week":
                charts(compute(index.db, datetime(2026, 9, 1).date(), datetime(2026, 9, 7).date()))
            else:
                index.list(*case)
            times.append((time.perf_counter() - began) * 1000)
        print(f"{name:30} median {statistics.median(times):7.1f} ms")


if __name__ == "__main__":
    main()
