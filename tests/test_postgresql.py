"""The console database and the conversation review on a real PostgreSQL server (tests/postgres.py).

Migrations first (up, twice, down to nothing and up again). This module is marked
`databases("postgresql")`, so tests/conftest.py's `db` (the migrated console database, emptied for
each test) and `tracker_url` (a database without Rasa's `events` table yet) are PostgreSQL's. The
SQLite suites' tests that must hold on PostgreSQL too (the handoff, the review list, transcripts,
tags, retention and analytics) are marked `databases("sqlite", "postgresql")` where they live and
run on both from there. Here, what has no SQLite twin: races between two processes (claims, the
first sync), Rasa's own SQL tracker store, LIKE wildcards in searches, and the analytics and list
of the same data on both databases."""

from __future__ import annotations

import asyncio
import itertools
import random
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from unittest.mock import ANY

import pytest
import yaml
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, delete, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.handoff import HandoffError, TicketService
from bot.review.analytics import compute
from bot.review.conversations import ConversationIndex
from bot.review.filters import Filters
from bot.review.retention import apply_retention
from bot.review.settings import ReviewSettings
from bot.review.tracker import METADATA, to_datetime, tracker_engine
from bot.storage import Database, upgrade
from bot.storage.migrate import alembic_config
from bot.storage.models import Base, ReviewConversation, ReviewSync, Ticket, TicketStatus
from tests.conftest import ROOT
from tests.console.conftest import add_staff, sqlite_url
from tests.console.test_storage import upgrade_keeps_call_backs
from tests.postgres import create_database
from tests.review.conftest import (  # noqa: F401  (`index`, `tracker`: fixtures, used by `review`)
    NOW,
    Turn,
    add_conversation,
    index,
    tracker,
)
from tests.review.test_analytics import ADDRESS, FALLBACK, GREET, UNSURE_ADDRESS
from tests.review.test_conversations import ids

# Every test here on PostgreSQL: `db` and `tracker_url` (tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.databases("postgresql")]
NAMES = (f"test_{n}" for n in itertools.count())


@pytest.fixture
def empty_url(postgres_url: str) -> str:
    """A new, empty database of its own for one test."""
    return create_database(postgres_url, next(NAMES))


@pytest.fixture
def review(request: pytest.FixtureRequest) -> ConversationIndex:
    """tests/review/conftest.py's `index`, here over `db` and `tracker_url` on PostgreSQL."""
    return request.getfixturevalue("index")


# --- migrations -----------------------------------------------------------------------------


def differences(url: str) -> list:
    """What autogenerate would still change: nothing when the migrations match the models."""
    database = Database(url)
    try:
        with database.engine.connect() as connection:
            return compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        database.dispose()


def store_ticket(url: str, status: str) -> None:
    """A ticket written with plain SQL (the models know only the newest statuses)."""
    database = Database(url)
    try:
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO handoff_ticket (conversation_id, channel, summary, status,"
                    " created_at) VALUES ('c', 'web', '', :status, now())"
                ),
                {"status": status},
            )
    finally:
        database.dispose()


def test_migrations_on_an_empty_database_match_the_models(empty_url: str) -> None:
    upgrade(empty_url)
    upgrade(empty_url)  # harmless
    assert differences(empty_url) == []
    database = Database(empty_url)
    with database.engine.connect() as connection:
        revision = connection.execute(text("select version_num from alembic_version")).scalar()
        tables = set(inspect(connection).get_table_names())
    database.dispose()
    assert revision == ScriptDirectory.from_config(alembic_config(empty_url)).get_current_head()
    assert {"staff", "handoff_ticket", "review_conversation", "review_note"} <= tables


def test_downgrade_to_nothing_and_upgrade_again(empty_url: str) -> None:
    config = alembic_config(empty_url)
    upgrade(empty_url)
    store_ticket(empty_url, "cancelled")  # 0003 allows it
    command.downgrade(config, "0002")
    with pytest.raises(IntegrityError, match="ck_handoff_ticket_ticket_status"):
        store_ticket(empty_url, "cancelled")
    store_ticket(empty_url, "closed")
    database = Database(empty_url)
    with database.engine.connect() as connection:
        statuses = connection.execute(text("select status from handoff_ticket order by id"))
        assert list(statuses.scalars()) == ["closed", "closed"]  # the cancelled one closed
    command.downgrade(config, "base")
    with database.engine.connect() as connection:
        assert inspect(connection).get_table_names() == ["alembic_version"]
    database.dispose()
    upgrade(empty_url)
    assert differences(empty_url) == []
    store_ticket(empty_url, "cancelled")


def test_upgrade_keeps_call_backs_and_lets_them_be_taken(empty_url: str) -> None:
    upgrade_keeps_call_backs(empty_url)


# --- handoff: what only PostgreSQL can show --------------------------------------------------


def test_two_processes_claim_at_once_exactly_one_wins(db: Database) -> None:
    """Two gateway processes (two engines), each with a worker clicking at the same moment."""
    other = Database(db.url)
    try:
        services = [TicketService(db), TicketService(other)]
        workers = [add_staff(db, f"w{n}", name=f"W{n}") for n in range(2)]
        for _round in range(10):
            ticket = services[0].open("conv-race-processes", "web")
            start = threading.Barrier(2)

            def claim(n: int, ticket_id: int = ticket.id, start=start) -> str:
                start.wait()
                try:
                    return services[n].claim(ticket_id, workers[n]).status
                except HandoffError as error:
                    return str(error)

            with ThreadPoolExecutor(2) as pool:
                outcomes = list(pool.map(claim, range(2)))
            assert outcomes.count("claimed") == 1, outcomes
            won = outcomes.index("claimed")
            assert outcomes[1 - won].startswith("To zgłoszenie prowadzi już inna osoba (W")
            assert services[1].get(ticket.id).claimed_by == workers[won].id
    finally:
        other.dispose()


# --- the review: what only PostgreSQL can show -----------------------------------------------


def test_two_processes_syncing_at_once_count_each_event_once(review: ConversationIndex) -> None:
    """Two gateway processes open the list at the same moment, the first time ever (no mark)."""
    for n in range(12):
        turns = [Turn("hej")] * (n % 3 + 1)
        add_conversation(review.tracker, f"c{n}", NOW - timedelta(hours=n), turns)
    other = Database(review.db.url)
    indexes = [review, ConversationIndex(other, review.settings, review.tracker)]
    try:
        for _round in range(8):  # both find no mark in about every other round
            with review.db.transaction() as session:  # never synced
                session.execute(delete(ReviewSync))
                session.execute(delete(ReviewConversation))
            for each in indexes:  # connected already, as in running processes
                each.db.engine.connect().close()
            start = threading.Barrier(2)

            def sync(each: ConversationIndex, start=start) -> int:
                start.wait()
                return each.sync(batch=7)

            with ThreadPoolExecutor(2) as pool:
                list(pool.map(sync, indexes))
            review.sync()
            rows = review.list(Filters(), limit=50).rows
            assert [(r.conversation_id, r.user_messages) for r in rows] == [
                (f"c{n}", n % 3 + 1) for n in range(12)
            ]
    finally:
        other.dispose()


def test_a_locked_tracker_table_fails_rasa_fast_with_the_production_settings(
    tracker_url: str,
) -> None:
    """endpoints.production.yml's lock timeout: Rasa's read fails in under a second, so the
    gateway answers the resident at once (and keeps the message) instead of after 30 s."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    production = yaml.safe_load((ROOT / "endpoints.production.yml").read_text(encoding="utf-8"))
    url = make_url(tracker_url)
    store = SQLTrackerStore(
        dialect="postgresql", host=url.host, port=url.port, db=url.database,
        username=url.username, password=url.password,
        query=production["tracker_store"]["query"],
    )  # fmt: skip
    asyncio.run(store.save(DialogueStateTracker.from_events("locked", [UserUttered("hej")])))
    other = create_engine(tracker_url, future=True)
    holder = other.connect()
    lock = holder.begin()
    holder.execute(text("LOCK TABLE events IN ACCESS EXCLUSIVE MODE"))
    release = threading.Timer(10, lock.rollback)  # without the setting, the read waits this long
    release.start()
    try:
        started = time.monotonic()
        with pytest.raises(OperationalError, match="lock timeout"):
            asyncio.run(store.retrieve("locked"))
        assert time.monotonic() - started < 5  # not the gateway's 30 s
    finally:
        release.cancel()
        if lock.is_active:
            lock.rollback()
        holder.close()
        other.dispose()
    try:
        assert asyncio.run(store.retrieve("locked")) is not None  # free again: read as before
    finally:
        store.engine.dispose()


def test_rasas_own_sql_tracker_store_on_postgresql(db: Database, tracker_url: str) -> None:
    """The table Rasa 3.6 itself creates and writes (not a generated one) reads as expected."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import (
        ActionExecuted,
        BotUttered,
        SessionStarted,
        SlotSet,
        UserUttered,
    )
    from rasa.shared.core.trackers import DialogueStateTracker

    url = make_url(tracker_url)
    store = SQLTrackerStore(
        dialect="postgresql", host=url.host, port=url.port, db=url.database,
        username=url.username, password=url.password,
    )  # fmt: skip
    at = (NOW - timedelta(hours=1)).timestamp()
    said = "Zasiłek celowy, tel 601 234 567"
    events = [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at + 1),
        ActionExecuted("action_listen", timestamp=at + 2),
        UserUttered(
            said,
            {"name": "nlu_fallback", "confidence": 0.3},
            input_channel="facebook",
            timestamp=at + 3,
        ),
        SlotSet("district", "XII", timestamp=at + 4),
        ActionExecuted("action_clarify", timestamp=at + 5),
        BotUttered("Nie jestem pewna…", timestamp=at + 6),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events("rasa-pg", events)))
    store.engine.dispose()

    review = ConversationIndex(db, ReviewSettings(tracker_url=tracker_url))
    assert review.sync() == len(events)
    [row] = review.list(Filters(channel="facebook", trouble=True, district_is="XII")).rows
    assert (row.conversation_id, row.intents, row.fallback) == ("rasa-pg", ["nlu_fallback"], True)
    assert row.preview == "Zasiłek celowy, tel [telefon]" and row.last_at == to_datetime(at + 6)
    assert ids(review, q="zasilek celowy") == ["rasa-pg"]
    items = [(i.kind, i.text) for i in review.transcript("rasa-pg").items]
    assert items == [
        ("session", "Początek sesji"),
        ("user", "Zasiłek celowy, tel [telefon]"),
        ("action", "action_clarify"),
        ("bot", "Nie jestem pewna…"),
    ]
    review.tracker.dispose()


def test_searches_and_intents_take_like_wildcards_literally(review: ConversationIndex) -> None:
    add_conversation(review.tracker, "percent", NOW, [Turn("zniżka 50% na bilet", "inform")])
    add_conversation(review.tracker, "digits", NOW - timedelta(hours=1), [Turn("zniżka 500 zł")])
    add_conversation(review.tracker, "under", NOW - timedelta(hours=2), [Turn("a_b", "in_form")])
    add_conversation(review.tracker, "path", NOW - timedelta(hours=3), [Turn("c:\\dane/pit")])
    review.sync()
    assert ids(review, q="50%") == ["percent"]
    assert ids(review, q="50") == ["percent", "digits"]
    assert ids(review, q="_") == ["under"] and ids(review, q="%") == ["percent"]
    assert ids(review, intent="in_form") == ["under"] and ids(review, intent="in%") == []
    assert ids(review, intent="inform") == ["percent"]
    assert ids(review, q="\\") == ids(review, q="/") == ids(review, q="c:\\dane/pit") == ["path"]


def test_a_tracker_database_without_rasas_table_reads_as_empty(
    db: Database, tracker_url: str
) -> None:
    missing = ConversationIndex(db, ReviewSettings(tracker_url=tracker_url))
    assert missing.sync() == 0 and missing.list(Filters()).rows == []
    assert missing.transcript("anyone") is None and not missing.exists("anyone")
    assert apply_retention(missing.tracker, db, 1).conversations == 0
    missing.tracker.dispose()


# --- analytics: the same numbers as on SQLite -----------------------------------------------

WAITS = [0.0, 30.25, 59.999, 60.0, 299.5, 300.0, 900.0, 3599.999, 3600.0, 7200.0]


def fill_alike(review: ConversationIndex) -> None:
    """Pseudo-random conversations over both 2026 changes of Kraków's clock and a new year, and
    tickets waiting on and beside the waiting chart's bounds (to the millisecond)."""
    rng = random.Random(2026)
    tickets = []
    for n in range(150):
        start = rng.choice(CLOCK_CHANGES) + timedelta(seconds=rng.randrange(-36, 36) * 3600)
        start += timedelta(seconds=rng.randrange(3600), microseconds=rng.randrange(10**6))
        turns = rng.sample([GREET, ADDRESS, UNSURE_ADDRESS, FALLBACK], rng.randint(1, 3))
        channel, district = rng.choice(["rest", "facebook"]), rng.choice([None, "XII", "IV"])
        add_conversation(review.tracker, f"c{n}", start, turns, channel=channel, district=district)
        if n % 3 == 0:
            # whole milliseconds: SQLite's date functions round to them
            created = start.replace(microsecond=0) + timedelta(milliseconds=rng.randrange(10**6))
            wait = rng.choice([*WAITS, None])
            claimed = created + timedelta(seconds=wait) if wait is not None else None
            closed = created + timedelta(hours=2) if n % 2 else None
            tickets.append((f"c{n}", created, claimed, closed))
    with review.db.transaction() as session:
        for sender, created, claimed, closed in tickets:
            status = TicketStatus.closed if closed else TicketStatus.waiting
            session.add(
                Ticket(
                    conversation_id=sender, channel="web", created_at=created, claimed_at=claimed,
                    closed_at=closed, status=TicketStatus.claimed if claimed else status,
                )
            )  # fmt: skip
    review.sync()


CLOCK_CHANGES = [
    datetime(2026, 3, 29, 1, tzinfo=timezone.utc),
    datetime(2026, 10, 25, 1, tzinfo=timezone.utc),
    datetime(2026, 12, 31, 23, tzinfo=timezone.utc),
]


@pytest.fixture
def on_sqlite(tmp_path: Path) -> Iterator[ConversationIndex]:
    """A review index on SQLite (console database and engine store), as the SQLite tests have."""
    upgrade(sqlite_url(tmp_path))
    database = Database(sqlite_url(tmp_path))
    engine = tracker_engine(f"sqlite:///{tmp_path / 'engine.db'}")
    METADATA.create_all(engine)
    yield ConversationIndex(database, ReviewSettings(), engine)
    database.dispose()
    engine.dispose()


def test_analytics_and_the_list_give_the_same_answers_as_on_sqlite(
    review: ConversationIndex, on_sqlite: ConversationIndex
) -> None:
    fill_alike(review)
    fill_alike(on_sqlite)
    ranges = [
        (None, None),
        (date(2026, 3, 28), date(2026, 3, 30)),
        (date(2026, 10, 25), date(2026, 10, 25)),
        (date(2026, 12, 31), date(2027, 1, 1)),
    ]
    for first, last in ranges:
        here, there = (compute(i.db, first, last) for i in (review, on_sqlite))
        assert here.waiting.average_seconds == pytest.approx(there.waiting.average_seconds)
        assert here == replace(there, waiting=replace(there.waiting, average_seconds=ANY))
        filters = Filters(date_from=first, date_to=last)
        listed = [[r.to_json() for r in i.iterate(filters, chunk=40)] for i in (review, on_sqlite)]
        assert listed[0] == listed[1] and len(listed[0]) == here.total
    assert compute(review.db).waiting.claimed > 10 and len(compute(review.db).days) > 200


def test_what_postgresql_refuses_to_store_does_not_stop_the_sync(review: ConversationIndex) -> None:
    """A NUL character (a resident can send one; SQLite keeps it, PostgreSQL's text cannot) and
    a channel name longer than the column (SQLite ignores lengths): the sync goes on."""
    add_conversation(
        review.tracker,
        "nul",
        NOW,
        [Turn("zasi\x00łek", "inform_address")],
        district="X\x00II",
    )
    add_conversation(review.tracker, "long", NOW, [Turn("hej")], channel="c" * 40)
    assert review.sync() > 0
    rows = {r.conversation_id: r for r in review.list(Filters(), limit=50).rows}
    assert (rows["nul"].preview, rows["nul"].district) == ("zasiłek", "XII")
    assert ids(review, q="zasiłek") == ["nul"]
    assert rows["long"].channel == "c" * 32
    review.add_note("nul", "notatka\x00", actor_id=None)
    assert review.transcript("nul").notes[0].text == "notatka"
