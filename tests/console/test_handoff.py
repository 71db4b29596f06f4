"""The ticket service: queue order, atomic claim, transfer, give back, close, audit trail."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.handoff import CallbackService, HandoffError, TicketService
from bot.storage import Database
from bot.storage.models import AuditEntry, ContactKind, Role
from tests.console.conftest import add_staff

T0 = datetime(2025, 3, 3, 9, 0, 0)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def audit_trail(db: Database) -> list[tuple[int | None, str, str]]:
    with db.sessions() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.actor_id, e.action, e.target) for e in entries]


@pytest.mark.databases("sqlite", "postgresql")
def test_queue_waiting_first_oldest_first_with_waiting_time(db: Database) -> None:
    clock = Clock()
    tickets = TicketService(db, clock)
    ania = add_staff(db, "ania")
    first = tickets.open("conv-first-0000000", "web", "Pyta o asystenta rodziny")
    clock.now += timedelta(minutes=3)
    second = tickets.open("conv-second-000000", "facebook", "Zasiłek")
    clock.now += timedelta(minutes=2)
    third = tickets.open("conv-third-0000000", "web", "Adres filii")
    tickets.claim(first.id, ania)
    clock.now += timedelta(minutes=1)

    queue = tickets.queue()

    assert [t.id for t in queue] == [second.id, third.id, first.id]
    assert [t.status for t in queue] == ["waiting", "waiting", "claimed"]
    assert [t.waiting_seconds for t in queue] == [180, 60, 300]  # claimed: until claimed
    assert queue[2].claimed_by_name == "Anna"


@pytest.mark.databases("sqlite", "postgresql")
def race(workers: list, act: Callable[[Any], object]) -> dict[int, str]:
    """Every worker does `act` at the same moment: "won" or the refusal each one got."""
    start = threading.Barrier(len(workers))
    results: dict[int, str] = {}

    def attempt(worker) -> None:
        start.wait()
        try:
            act(worker)
            results[worker.id] = "won"
        except HandoffError as error:
            results[worker.id] = str(error)

    threads = [threading.Thread(target=attempt, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_workers_claiming_at_once_exactly_one_wins(db: Database) -> None:
    tickets = TicketService(db)
    workers = [add_staff(db, f"worker{i}", name=f"W{i}") for i in range(2)]
    for _round in range(5):
        ticket = tickets.open("conv-race-00000000", "web")
        results = race(
            workers, lambda worker, ticket_id=ticket.id: tickets.claim(ticket_id, worker)
        )
        winners = [wid for wid, outcome in results.items() if outcome == "won"]
        assert len(winners) == 1, results
        loser = next(wid for wid in results if wid not in winners)
        assert results[loser].startswith("To zgłoszenie prowadzi już inna osoba")
        assert tickets.get(ticket.id).claimed_by == winners[0]
        claims = [e for e in audit_trail(db) if e[1:] == ("ticket.claimed", f"ticket:{ticket.id}")]
        assert claims == [(winners[0], "ticket.claimed", f"ticket:{ticket.id}")]


@pytest.mark.databases("sqlite", "postgresql")
def test_claim_race_over_two_separate_engines(db: Database) -> None:
    """Two gateway processes share the database: each has its own engine and connections."""
    other = Database(db.url)
    try:
        a, b = add_staff(db, "a"), add_staff(db, "b")
        ticket = TicketService(db).open("conv-two-engines00", "web")
        TicketService(db).claim(ticket.id, a)
        with pytest.raises(HandoffError):
            TicketService(other).claim(ticket.id, b)
    finally:
        other.dispose()


@pytest.mark.databases("sqlite", "postgresql")
def test_transfer_give_back_close_and_their_audit_entries(db: Database) -> None:
    tickets = TicketService(db)
    ania, basia = add_staff(db, "ania"), add_staff(db, "basia", name="Barbara")
    ticket = tickets.open("conv-life-00000000", "web", "Potrzebuje pomocy")

    tickets.claim(ticket.id, ania)
    moved = tickets.transfer(ticket.id, ania, basia.id)
    assert (moved.claimed_by, moved.claimed_by_name) == (basia.id, "Barbara")
    with pytest.raises(HandoffError, match="prowadzi już inna osoba \\(Barbara\\)"):
        tickets.close(ticket.id, ania)  # no longer hers
    assert tickets.give_back(ticket.id, basia).status == "returned"
    with pytest.raises(HandoffError, match="już zakończone"):
        tickets.close(ticket.id, basia)
    assert tickets.queue() == []

    other = tickets.open("conv-life-00000001", "web")
    with pytest.raises(HandoffError, match="Najpierw proszę przejąć"):
        tickets.close(other.id, ania)
    tickets.claim(other.id, ania)
    assert tickets.close(other.id, ania).status == "closed"

    assert audit_trail(db) == [
        (None, "ticket.opened", f"ticket:{ticket.id}"),
        (ania.id, "ticket.claimed", f"ticket:{ticket.id}"),
        (ania.id, "ticket.transferred", f"ticket:{ticket.id} -> staff:{basia.id}"),
        (basia.id, "ticket.returned", f"ticket:{ticket.id}"),
        (None, "ticket.opened", f"ticket:{other.id}"),
        (ania.id, "ticket.claimed", f"ticket:{other.id}"),
        (ania.id, "ticket.closed", f"ticket:{other.id}"),
    ]


@pytest.mark.databases("sqlite", "postgresql")
def test_supervisor_may_close_anyones_ticket_but_not_transfer_to_nobody(db: Database) -> None:
    tickets = TicketService(db)
    ania, szefowa = add_staff(db, "ania"), add_staff(db, "szefowa", Role.supervisor)
    ticket = tickets.open("conv-super-0000000", "web")
    tickets.claim(ticket.id, ania)
    with pytest.raises(HandoffError, match="nie ma takiej aktywnej osoby"):
        tickets.transfer(ticket.id, szefowa, 999)
    assert tickets.close(ticket.id, szefowa).status == "closed"
    with pytest.raises(HandoffError, match="Nie ma takiego zgłoszenia"):
        tickets.claim(12345, ania)


@pytest.mark.databases("sqlite", "postgresql")
def test_callbacks_need_consent_and_are_marked_done_once(db: Database) -> None:
    callbacks = CallbackService(db)
    ania = add_staff(db, "ania")
    with pytest.raises(HandoffError, match="Bez zgody"):
        callbacks.request(ContactKind.phone, "600 100 200", False, conversation_id="c1")
    first = callbacks.request(ContactKind.phone, " 600 100 200 ", True, conversation_id="c1")
    second = callbacks.request(ContactKind.email, "jan@example.com", True, conversation_id="c2")
    callbacks.take(first.id, ania)
    callbacks.mark_done(first.id, ania)
    with pytest.raises(HandoffError, match="już załatwiona"):
        callbacks.mark_done(first.id, ania)
    listed = callbacks.list()
    assert [(c.id, c.status, c.contact_value) for c in listed] == [
        (second.id, "new", "jan@example.com"),
        (first.id, "done", "600 100 200"),
    ]
    assert (ania.id, "callback.done", f"callback:{first.id}") in audit_trail(db)


@pytest.mark.databases("sqlite", "postgresql")
def test_a_call_back_is_taken_once_and_done_by_its_taker_or_a_supervisor(db: Database) -> None:
    clock = Clock()
    callbacks = CallbackService(db, clock)
    ania, basia = add_staff(db, "ania"), add_staff(db, "basia", name="Barbara")
    szefowa = add_staff(db, "szefowa", Role.supervisor, name="Ewa")
    first = callbacks.request(ContactKind.phone, "600 100 200", True, conversation_id="c1")
    second = callbacks.request(ContactKind.phone, "600 100 201", True, conversation_id="c2")
    assert callbacks.count_new() == 2

    with pytest.raises(HandoffError, match="Najpierw proszę wziąć"):
        callbacks.mark_done(first.id, ania)
    clock.now += timedelta(minutes=5)
    taken = callbacks.take(first.id, ania)
    assert (taken.taken_by, taken.taken_by_name, taken.taken_at) == (ania.id, "Anna", clock.now)
    assert callbacks.count_new() == 1  # the badge counts the ones nobody took
    with pytest.raises(HandoffError, match="^Tą prośbą o kontakt zajmuje się już Anna.$"):
        callbacks.take(first.id, basia)
    with pytest.raises(HandoffError, match="przypisana do tego konta"):
        callbacks.take(first.id, ania)
    with pytest.raises(HandoffError, match="zajmuje się już Anna"):
        callbacks.mark_done(first.id, basia)
    assert callbacks.get(first.id).taken_by == ania.id  # nothing overwritten

    callbacks.mark_done(first.id, szefowa)  # a supervisor may finish anyone's
    callbacks.mark_done(second.id, szefowa)  # or one nobody took
    with pytest.raises(HandoffError, match="już załatwiona"):
        callbacks.take(second.id, basia)
    with pytest.raises(HandoffError, match="Nie ma takiej prośby"):
        callbacks.take(12345, basia)
    assert [c.status for c in callbacks.list()] == ["done", "done"]
    trail = audit_trail(db)
    assert (ania.id, "callback.taken", f"callback:{first.id}") in trail
    assert [e for e in trail if e[1] == "callback.taken"] == [
        (ania.id, "callback.taken", f"callback:{first.id}")
    ]


@pytest.mark.databases("sqlite", "postgresql")
def test_two_workers_taking_a_call_back_at_once_exactly_one_wins(db: Database) -> None:
    callbacks = CallbackService(db)
    workers = [add_staff(db, f"worker{i}", name=f"W{i}") for i in range(2)]
    for round_ in range(5):
        request = callbacks.request(
            ContactKind.phone, "600 100 200", True, conversation_id=f"c{round_}"
        )
        results = race(workers, lambda worker, cid=request.id: callbacks.take(cid, worker))
        winners = [wid for wid, outcome in results.items() if outcome == "won"]
        assert len(winners) == 1, results
        loser = next(wid for wid in results if wid not in winners)
        assert results[loser].startswith("Tą prośbą o kontakt zajmuje się już W")
        assert callbacks.get(request.id).taken_by == winners[0]
