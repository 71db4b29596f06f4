"""The resident's side of a handoff, without Rasa: modes, queue places, cancel, call-backs."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.handoff.contact import parse_contact
from bot.handoff.desk import (
    HandoffDesk,
    Mode,
    channel_of,
    control_intent,
    description_problem,
    district_of,
    leaves_form,
    topic_of,
)
from bot.handoff.hours import OfficeHours
from bot.messages import Messages
from bot.storage import Database
from bot.storage.models import AuditEntry

MONDAY_NOON = datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc)  # 12:00 in Kraków
SUNDAY = datetime(2026, 11, 22, 11, 0, tzinfo=timezone.utc)
HOURS = OfficeHours.from_dict(
    {"timezone": "Europe/Warsaw", "hours": {d: ["08:00-15:00"] for d in ("monday", "tuesday")}}
)
MESSAGES = Messages.load()


def desk_at(db: Database, now: datetime) -> HandoffDesk:
    return HandoffDesk(db, hours=lambda: HOURS, now=lambda: now)


def text(reply) -> str:
    return MESSAGES.render(reply).text


def test_office_hours_decide_between_a_worker_now_and_a_call_back(db: Database) -> None:
    assert desk_at(db, MONDAY_NOON).mode_now() is Mode.live
    closed = desk_at(db, SUNDAY)
    assert closed.mode_now() is Mode.callback
    question = text(closed.consent_question(Mode.callback))
    assert "w poniedziałki i wtorki w godz. 8:00–15:00" in question
    assert "najwcześniej jutro (poniedziałek) od 8:00" in question
    # during office hours a call-back is the resident's choice: no "nobody answers now"
    during = text(desk_at(db, MONDAY_NOON).consent_question(Mode.callback))
    assert "Teraz nikt nie odpowie" not in during and "Zapiszę numer" in during


def test_a_chat_that_is_never_staffed_names_no_hours(db: Database) -> None:
    never = OfficeHours.from_dict({"timezone": "Europe/Warsaw", "hours": {"monday": []}})
    desk = HandoffDesk(db, hours=lambda: never, now=lambda: MONDAY_NOON)
    question = text(desk.consent_question(Mode.callback))
    assert "nie dyżurują" in question and "w godzinach pracy" in question
    no_contact = text(desk.no_contact())
    for said in (question, no_contact):
        assert "()" not in said and " ." not in said and "odpowiadają na czacie" not in said
    assert "12 616 54 08" in no_contact


@pytest.mark.databases("sqlite", "postgresql")
def test_queue_places_count_only_waiting_tickets_oldest_first(db: Database) -> None:
    desk = desk_at(db, MONDAY_NOON)
    first, reply = desk.open("conv-a", "web", "Zasiłek", topic=None, district=None)
    assert "Miejsce w kolejce: 1." in text(reply)
    _, reply = desk.open("conv-b", "facebook", "Mieszkanie", topic=None, district="XII")
    assert "Miejsce w kolejce: 2." in text(reply)
    assert "miejsce w kolejce: 2." in text(desk.waiting_reply("conv-b"))
    desk.tickets.cancel("conv-a")
    assert "miejsce w kolejce: 1." in text(desk.waiting_reply("conv-b"))
    assert desk.waiting_reply("conv-a") is None and not desk.has_open_ticket("conv-a")


def test_a_ticket_carries_the_branch_of_the_district(db: Database) -> None:
    ticket, _ = desk_at(db, MONDAY_NOON).open("c", "web", "Pomoc", "support/kis", "IV")
    assert ticket.branch and ticket.district == "IV" and ticket.topic == "support/kis"


@pytest.mark.databases("sqlite", "postgresql")
def test_cancel_ends_the_ticket_or_just_drops_the_request(db: Database) -> None:
    desk = desk_at(db, MONDAY_NOON)
    desk.open("c", "web", "Pomoc", None, None)
    assert "rozmowa wróciła do asystenta" in text(desk.cancel("c"))
    assert "nie przekazuję rozmowy" in text(desk.cancel("c"))  # nothing open any more
    with db.sessions() as session:
        actions = [e.action for e in session.query(AuditEntry)]
    assert "ticket.cancelled.resident" in actions


@pytest.mark.databases("sqlite", "postgresql")
def test_leaving_a_contact_ends_the_ticket_and_links_the_call_back(db: Database) -> None:
    desk = desk_at(db, MONDAY_NOON)
    ticket, _ = desk.open("c", "web", "Zasiłek stały", None, None)
    assert desk.switch_to_contact("c") == ticket.id
    saved = desk.save_callback("c", "web", parse_contact("600-100-200"), "Zasiłek stały", ticket.id)
    assert "(tel. +48 600 100 200)" in text(saved) and "w godzinach pracy" in text(saved)
    (callback,) = desk.callbacks.list()
    assert (callback.ticket_id, callback.summary, callback.channel) == (
        ticket.id,
        "Zasiłek stały",
        "web",
    )
    assert desk.tickets.get(ticket.id).status == "cancelled"


def test_control_messages_are_the_buttons_and_a_few_exact_phrases() -> None:
    assert control_intent("/cancel_handoff") == "cancel_handoff"
    assert control_intent("/leave_contact") == "leave_contact"
    assert control_intent("  Wróć do asystenta! ") == "cancel_handoff"
    assert control_intent("ANULUJ") == "cancel_handoff"
    assert control_intent("anuluj mój wniosek o zasiłek") is None  # a message for the worker
    assert control_intent("/request_human") is None


def test_cancel_said_as_a_sentence_of_its_own_leaves_the_form_a_matter_does_not() -> None:
    assert leaves_form("deny", "a wlasciwie to nie, sama zadzwonie jutro. anuluj")
    assert leaves_form("affirm", "Anuluj!")
    assert not leaves_form("own_case", "anuluj mój wniosek o zasiłek")  # a matter for the worker
    assert not leaves_form("situation", "chodzi o mieszkanie")


def test_topic_district_channel_and_description_checks() -> None:
    events = [
        {"event": "user", "parse_data": {"intent": {"name": "greet"}}},
        {
            "event": "user",
            "parse_data": {
                "intent": {"name": "support"},
                "response_selector": {
                    "support": {"response": {"intent_response_key": "support/therapy"}}
                },
            },
        },
        {"event": "slot", "name": "district", "value": "IV"},
        {"event": "slot", "name": "district", "value": None},
        {"event": "user", "parse_data": {"intent": {"name": "request_human"}}},
    ]
    assert topic_of(events) == "support/therapy"
    assert district_of(events) == "IV"
    assert topic_of(events[:1]) is None and district_of([]) is None
    address = {"event": "user", "parse_data": {"intent": {"name": "inform_address"}}}
    assert topic_of([*events, address]) == "find_branch"  # the resident was finding a branch
    assert (channel_of("facebook"), channel_of("rest"), channel_of(None)) == (
        "facebook",
        "web",
        "web",
    )
    assert description_problem("?!") == "handoff_description_short"
    assert description_problem("x" * 301) == "handoff_description_long"
    assert description_problem("Nie dostałam zasiłku") is None
