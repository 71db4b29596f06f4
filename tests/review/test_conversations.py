"""The review list and transcript over a generated tracker store: filters, search, paging,
incremental sync, masking."""

from __future__ import annotations

import json
from datetime import date, timedelta

from bot.handoff import TicketService
from bot.review.conversations import ConversationIndex, Filters
from bot.review.tracker import EVENTS
from tests.review.conftest import NOW, Turn, add_conversation
from tests.review.test_masking import GOOD_PESEL

ADDRESS = Turn(
    "mieszkam na józefińskiej 14",
    "inform_address",
    0.98,
    [{"entity": "street", "value": "józefińskiej"}],
    "Czy chodzi o Dzielnicę XIII Podgórze?",
    "branch_form",
)
ZASILEK = Turn(
    "ile wynosi zasiłek celowy",
    "nlu_fallback",
    0.31,
    reply="Nie jestem pewna…",
    action="action_clarify",
)
PESEL_TURN = Turn(
    f"mój pesel to {GOOD_PESEL}, tel 601 234 567",
    "inform",
    0.55,
    [{"entity": "number", "value": GOOD_PESEL}],
)


def build(index: ConversationIndex) -> None:
    tracker = index.tracker
    add_conversation(
        tracker,
        "web-address",
        NOW - timedelta(days=1),
        [Turn("dzień dobry"), ADDRESS],
        district="XIII",
    )
    add_conversation(tracker, "fb-zasilek", NOW - timedelta(days=2), [ZASILEK], channel="facebook")
    add_conversation(tracker, "web-pesel", NOW - timedelta(days=3), [PESEL_TURN])
    add_conversation(tracker, "web-old", NOW - timedelta(days=40), [Turn("cześć")])
    index.sync()


def ids(index: ConversationIndex, **query: str) -> list[str]:
    return [r.conversation_id for r in index.list(Filters.from_query(query), limit=50).rows]


def test_filters_select_what_staff_ask_for(index: ConversationIndex) -> None:
    build(index)
    assert ids(index) == ["web-address", "fb-zasilek", "web-pesel", "web-old"]
    day = (NOW - timedelta(days=2)).date()
    assert ids(index, **{"from": day.isoformat(), "to": day.isoformat()}) == ["fb-zasilek"]
    assert ids(index, channel="facebook") == ["fb-zasilek"]
    assert ids(index, intent="inform_address") == ["web-address"]
    assert ids(index, trouble="1") == ["fb-zasilek", "web-pesel"]  # fallback; confidence 0.55
    assert ids(index, trouble="0") == ["web-address", "web-old"]
    assert ids(index, district="1") == ["web-address"]
    assert ids(index, q="ZASILEK") == ["fb-zasilek"]  # case and Polish letters folded
    assert ids(index, q="józefińskiej 14") == ["web-address"]
    assert ids(index, q=GOOD_PESEL) == []  # the index holds masked text only
    assert ids(index, q="[PESEL]") == ["web-pesel"]


def test_handed_over_and_reviewed(index: ConversationIndex) -> None:
    build(index)
    TicketService(index.db).open("fb-zasilek", "facebook", "zasiłek")
    assert ids(index, handed="1") == ["fb-zasilek"]
    assert "fb-zasilek" not in ids(index, handed="0")
    assert index.mark_reviewed("web-old", actor_id=None, reviewed=True)
    assert ids(index, reviewed="1") == ["web-old"]
    assert "web-old" not in ids(index, reviewed="0")


def test_list_shows_masked_preview_and_facts(index: ConversationIndex) -> None:
    build(index)
    row = {r.conversation_id: r for r in index.list(Filters(), limit=50).rows}
    assert row["web-pesel"].preview == "mój pesel to [PESEL], tel [telefon]"
    assert row["fb-zasilek"].channel_name == "Messenger" and row["fb-zasilek"].fallback
    assert row["web-address"].district == "XIII" and row["web-address"].user_messages == 2
    assert row["web-address"].intents == ["greet", "inform_address"]


def test_keyset_paging_visits_each_conversation_once(index: ConversationIndex) -> None:
    for n in range(8):
        add_conversation(index.tracker, f"c{n}", NOW - timedelta(hours=n), [Turn("hej")])
    index.sync()
    seen, after, pages = [], None, 0
    while True:
        page = index.list(Filters(), after)
        seen += [r.conversation_id for r in page.rows]
        pages += 1
        if not page.next_cursor:
            break
        after = page.next_cursor
    assert seen == [f"c{n}" for n in range(8)] and pages == 3


def test_sync_is_incremental(index: ConversationIndex) -> None:
    build(index)
    assert index.sync() == 0
    add_conversation(index.tracker, "web-old", NOW, [ZASILEK])  # the resident came back
    assert index.sync() > 0
    assert ids(index)[0] == "web-old"
    assert "web-old" in ids(index, trouble="1")


def test_transcript_masks_unless_unmasked(index: ConversationIndex) -> None:
    build(index)
    transcript = index.transcript("web-pesel")
    user = [i for i in transcript.items if i.kind == "user"][0]
    assert user.text == "mój pesel to [PESEL], tel [telefon]"
    assert user.intent == "inform" and user.confidence == 0.55 and user.trouble
    assert user.entities == [("number", "[PESEL]")]
    bots = [i.text for i in transcript.items if i.kind == "bot"]
    assert bots == ["Dzień dobry! W czym mogę pomóc?"]
    raw = index.transcript("web-pesel", unmasked=True)
    assert GOOD_PESEL in [i for i in raw.items if i.kind == "user"][0].text
    assert index.transcript("nobody") is None


def test_transcript_shows_handoff_events(index: ConversationIndex) -> None:
    build(index)
    ticket = TicketService(index.db).open("fb-zasilek", "facebook", "zasiłek")
    TicketService(index.db).cancel("fb-zasilek")
    texts = [i.text for i in index.transcript("fb-zasilek").items if i.kind == "handoff"]
    assert texts == [
        f"Przekazano pracownikowi (zgłoszenie #{ticket.id})",
        "Mieszkaniec wrócił do asystenta",
    ]


def test_empty_or_missing_tracker_store(db, tmp_path) -> None:
    from bot.review.conversations import ReviewSettings

    missing = ConversationIndex(db, ReviewSettings(f"sqlite:///{tmp_path / 'none.db'}"))
    assert missing.sync() == 0 and missing.list(Filters()).rows == []
    assert not (tmp_path / "none.db").exists()
    assert Filters.from_query({"from": "zła data", "trouble": "x"}) == Filters()
    assert Filters(date_from=date(2026, 1, 2), trouble=True).to_query() == {
        "from": "2026-01-02",
        "trouble": "1",
    }


def test_workers_messages_and_rasas_pause_and_resume_are_in_the_transcript(
    index: ConversationIndex,
) -> None:
    add_conversation(index.tracker, "web-handoff", NOW - timedelta(hours=1), [Turn("Dzień dobry")])
    later = (NOW - timedelta(minutes=30)).timestamp()
    events = [
        ("pause", {}),
        ("bot", {"text": "Proszę dzwonić pod 600 100 200", "metadata": {"author": "Ania"}}),
        ("resume", {}),
    ]
    with index.tracker.begin() as connection:
        for offset, (kind, data) in enumerate(events):
            body = {"event": kind, "timestamp": later + offset, **data}
            row = {"sender_id": "web-handoff", "type_name": kind, "timestamp": later + offset,
                   "intent_name": None, "action_name": None, "data": json.dumps(body)}  # fmt: skip
            connection.execute(EVENTS.insert(), [row])
    items = [(i.kind, i.text) for i in index.transcript("web-handoff").items][-3:]
    assert items == [
        ("handoff", "Asystent wstrzymany (rozmowa u pracownika)"),
        ("worker", "Ania: Proszę dzwonić pod [telefon]"),
        ("handoff", "Asystent wznowiony"),
    ]
