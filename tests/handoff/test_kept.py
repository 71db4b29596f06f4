"""A locked console database never drops a handoff request: it is kept, then written once."""

from __future__ import annotations

import sqlite3
import stat
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from bot.handoff.contact import parse_contact
from bot.handoff.desk import HandoffDesk
from bot.handoff.hours import OfficeHours
from bot.messages import Messages
from bot.storage import Database
from bot.storage.models import CallbackRequest, Ticket

MONDAY_NOON = datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc)
HOURS = OfficeHours.from_dict({"timezone": "Europe/Warsaw", "hours": {"monday": ["08:00-15:00"]}})
MESSAGES = Messages.load()


def short_lock_wait(db: Database) -> None:
    """Give up on a lock after 0.3 s instead of the console's 15 s: the test stays fast."""

    def pragma(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA busy_timeout=300")

    event.listen(db.engine, "connect", pragma)
    db.engine.dispose()


def count(db: Database, model: Any, conversation: str) -> int:
    with db.transaction() as session:
        query = select(func.count()).where(model.conversation_id == conversation)
        return int(session.execute(query).scalar_one())


def wait_for(condition: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the kept requests were not written"
        time.sleep(0.05)


def test_a_request_made_while_the_database_is_locked_is_kept_and_written_once(
    db: Database, tmp_path: Path
) -> None:
    short_lock_wait(db)
    spool = tmp_path / "var" / "handoff-spool"
    desk = HandoffDesk(db, hours=lambda: HOURS, now=lambda: MONDAY_NOON, spool=spool)
    assert desk.spool is not None
    desk.spool.retry_seconds = 0.1
    point = desk.catalogue.information_point

    locker = sqlite3.connect(db.engine.url.database, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        ticket, reply = desk.open("conv-locked", "web", "Zasiłek", topic=None, district="XII")
        saved = desk.save_callback(
            "conv-call", "facebook", parse_contact("600 100 200"), "Proszę o telefon"
        )
        assert ticket is None
        for answer in (reply, saved):
            text = MESSAGES.render(answer).text
            assert "prośba jest przyjęta" in text and "nie trzeba jej wysyłać ponownie" in text
            assert point.phones[0] in text and point.address in text
        assert stat.S_IMODE(spool.stat().st_mode) == 0o700
        assert [stat.S_IMODE(f.stat().st_mode) for f in desk.spool.files()] == [0o600, 0o600]
        assert len(desk.spool.pending()) == 2
        time.sleep(0.5)  # retries against the lock keep the requests
        assert len(desk.spool.pending()) == 2
    finally:
        locker.execute("ROLLBACK")
        locker.close()

    wait_for(lambda: not desk.spool.files())
    assert count(db, Ticket, "conv-locked") == 1
    assert count(db, CallbackRequest, "conv-call") == 1
    time.sleep(0.5)  # a later retry writes nothing again
    assert count(db, Ticket, "conv-locked") == 1
    assert count(db, CallbackRequest, "conv-call") == 1
    # the next request goes straight in, with its place in the queue
    ticket, reply = desk.open("conv-next", "web", "Mieszkanie", topic=None, district=None)
    assert ticket is not None and "Miejsce w kolejce: 2." in MESSAGES.render(reply).text


def test_requests_kept_before_a_restart_are_written_by_the_next_desk(
    db: Database, tmp_path: Path
) -> None:
    short_lock_wait(db)
    spool = tmp_path / "handoff-spool"
    desk = HandoffDesk(db, hours=lambda: HOURS, now=lambda: MONDAY_NOON, spool=spool)
    assert desk.spool is not None
    desk.spool.retry_seconds = 60.0  # this desk "dies" before it retries
    locker = sqlite3.connect(db.engine.url.database, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        ticket, _ = desk.open("conv-restart", "web", "Zasiłek", topic=None, district=None)
        assert ticket is None
    finally:
        locker.execute("ROLLBACK")
        locker.close()

    HandoffDesk(db, hours=lambda: HOURS, now=lambda: MONDAY_NOON, spool=spool)
    wait_for(lambda: not desk.spool.files())
    assert count(db, Ticket, "conv-restart") == 1


def test_the_submit_action_keeps_the_request_without_holding_up_other_conversations(
    db: Database, tmp_path: Path, monkeypatch: Any
) -> None:
    """The action waits for the locked database in a thread; meanwhile the event loop runs."""
    import asyncio

    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    import actions.handoff  # here: importing it opens the environment's console database

    def pragma(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA busy_timeout=1000")

    event.listen(db.engine, "connect", pragma)
    db.engine.dispose()
    desk = HandoffDesk(db, hours=lambda: HOURS, now=lambda: MONDAY_NOON, spool=tmp_path / "s")
    monkeypatch.setattr(actions.handoff, "DESK", desk)
    slots = {"handoff_consent": True, "handoff_mode": "live", "handoff_description": "Zasiłek"}
    tracker = Tracker("conv-action", slots, {}, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()

    async def submit_while_ticking() -> tuple[list, int]:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        ticker = asyncio.create_task(tick())
        events = await actions.handoff.ActionHandoffSubmit().run(dispatcher, tracker, {})
        ticker.cancel()
        return events, ticks

    locker = sqlite3.connect(db.engine.url.database, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        events, ticks = asyncio.run(submit_while_ticking())
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert ticks >= 10  # the 1 s wait for the lock did not block the loop
    assert "prośba jest przyjęta" in dispatcher.messages[0]["text"]
    assert not any(e.get("event") == "pause" for e in events)  # no ticket yet to wait on
    assert desk.spool is not None
    wait_for(lambda: not desk.spool.files())
    assert count(db, Ticket, "conv-action") == 1
