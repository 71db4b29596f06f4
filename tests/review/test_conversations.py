"""The review list and transcript over a generated tracker store: filters, search, paging,
incremental sync, masking, tags and notes."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from bot.handoff import TicketService
from bot.review import conversations
from bot.review.annotations import ReviewError, clean_note, normalise_tag
from bot.review.conversations import ConversationIndex
from bot.review.filters import Filters
from bot.review.tracker import EVENTS
from bot.storage.identity import Actor
from bot.storage.models import Role, Staff
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


@pytest.mark.databases("sqlite", "postgresql")
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


@pytest.mark.databases("sqlite", "postgresql")
def test_handed_over_and_reviewed(index: ConversationIndex) -> None:
    build(index)
    TicketService(index.db).open("fb-zasilek", "facebook", "zasiłek")
    assert ids(index, handed="1") == ["fb-zasilek"]
    assert "fb-zasilek" not in ids(index, handed="0")
    assert index.mark_reviewed("web-old", actor_id=None, reviewed=True)
    assert ids(index, reviewed="1") == ["web-old"]
    assert "web-old" not in ids(index, reviewed="0")


@pytest.mark.databases("sqlite", "postgresql")
def test_list_shows_masked_preview_and_facts(index: ConversationIndex) -> None:
    build(index)
    row = {r.conversation_id: r for r in index.list(Filters(), limit=50).rows}
    assert row["web-pesel"].preview == "mój pesel to [PESEL], tel [telefon]"
    assert row["fb-zasilek"].channel_name == "Messenger" and row["fb-zasilek"].fallback
    assert row["web-address"].district == "XIII" and row["web-address"].user_messages == 2
    assert row["web-address"].intents == ["greet", "inform_address"]


@pytest.mark.databases("sqlite", "postgresql")
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


@pytest.mark.databases("sqlite", "postgresql")
def test_sync_is_incremental(index: ConversationIndex) -> None:
    build(index)
    assert index.sync() == 0
    add_conversation(index.tracker, "web-old", NOW, [ZASILEK])  # the resident came back
    assert index.sync() > 0
    assert ids(index)[0] == "web-old"
    assert "web-old" in ids(index, trouble="1")


@pytest.mark.databases("sqlite", "postgresql")
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


@pytest.mark.databases("sqlite", "postgresql")
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
    from bot.review.settings import ReviewSettings

    missing = ConversationIndex(db, ReviewSettings(f"sqlite:///{tmp_path / 'none.db'}"))
    assert missing.sync() == 0 and missing.list(Filters()).rows == []
    assert not (tmp_path / "none.db").exists()
    assert Filters.from_query({"from": "zła data", "trouble": "x"}) == Filters()
    assert Filters(date_from=date(2026, 1, 2), trouble=True).to_query() == {
        "from": "2026-01-02",
        "trouble": "1",
    }


@pytest.mark.databases("sqlite", "postgresql")
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


# --- tags, notes and the per-district filter -------------------------------------------------

NOTE = f"oddzwonić: 601 234 567, PESEL {GOOD_PESEL}, jan.kowalski@wp.pl"
MASKED_NOTE = "oddzwonić: [telefon], PESEL [PESEL], [e-mail]"


def build_tagged(index: ConversationIndex) -> None:
    """build() plus two conversations in district XII, two tags and a note that says „pilne”.

    Newest first: web-xii, web-address (XIII), fb-zasilek, web-pesel, fb-xii, web-old.
    """
    add_conversation(index.tracker, "web-xii", NOW - timedelta(hours=5), [ADDRESS], district="XII")
    add_conversation(
        index.tracker,
        "fb-xii",
        NOW - timedelta(days=4),
        [ZASILEK, ADDRESS],
        channel="facebook",
        district="XII",
    )
    build(index)
    for conversation in ("web-address", "fb-xii"):
        assert index.add_tag(conversation, "Pilne", actor_id=None)
    for conversation in ("fb-zasilek", "fb-xii", "web-old"):
        assert index.add_tag(conversation, "  do   szkolenia ", actor_id=None)
    index.add_note("web-pesel", "pilne", actor_id=None)  # a note is not a tag


@pytest.mark.databases("sqlite", "postgresql")
@pytest.mark.parametrize("sparse", [5000, 1], ids=["from-tagged-ids", "exists-probe"])
def test_tag_and_district_filters(
    index: ConversationIndex, monkeypatch: pytest.MonkeyPatch, sparse: int
) -> None:
    monkeypatch.setattr(conversations, "SPARSE_TAG", sparse)  # both query plans, same answers
    build_tagged(index)
    assert ids(index) == ["web-xii", "web-address", "fb-zasilek", "web-pesel", "fb-xii", "web-old"]
    assert ids(index, tag="pilne") == ["web-address", "fb-xii"]
    assert ids(index, tag=" PILNE ") == ["web-address", "fb-xii"]  # typed as the tag was
    assert ids(index, tag="do szkolenia") == ["fb-zasilek", "fb-xii", "web-old"]
    assert ids(index, tag="nie ma takiej") == []
    assert ids(index, district_is="XII") == ["web-xii", "fb-xii"]
    assert ids(index, district_is="xii") == ["web-xii", "fb-xii"]
    assert ids(index, district_is="XIII") == ["web-address"]
    assert ids(index, district_is="I") == []  # equality, not a prefix of „II”…
    # the district found / not found filter is unchanged beside it
    assert ids(index, district="1") == ["web-xii", "web-address", "fb-xii"]
    assert ids(index, district="0") == ["fb-zasilek", "web-pesel", "web-old"]
    # combined with each other and with the older filters
    assert ids(index, tag="pilne", district_is="XII") == ["fb-xii"]
    assert ids(index, tag="pilne", district_is="XIII", channel="rest") == ["web-address"]
    assert ids(index, tag="do szkolenia", trouble="1") == ["fb-zasilek", "fb-xii"]
    assert ids(index, tag="do szkolenia", channel="facebook") == ["fb-zasilek", "fb-xii"]
    week = (NOW - timedelta(days=7)).date().isoformat()
    assert ids(index, tag="do szkolenia", **{"from": week}) == ["fb-zasilek", "fb-xii"]
    assert ids(index, district_is="XII", trouble="0") == ["web-xii"]
    assert ids(index, district_is="XII", q="zasilek") == ["fb-xii"]
    # paging through a tag keeps each conversation once
    first = index.list(Filters(tag="do szkolenia"), limit=2)
    second = index.list(Filters(tag="do szkolenia"), first.next_cursor, limit=2)
    assert [r.conversation_id for r in first.rows + second.rows] == [
        "fb-zasilek",
        "fb-xii",
        "web-old",
    ]
    assert second.next_cursor is None
    # the rows carry their tags, sorted
    rows = {r.conversation_id: r for r in index.list(Filters(), limit=50).rows}
    assert rows["fb-xii"].tags == ["do szkolenia", "pilne"] and rows["web-pesel"].tags == []
    # removing a tag takes the conversation out of the filter
    assert index.remove_tag("fb-xii", "PILNE", actor_id=None)
    assert not index.remove_tag("fb-xii", "pilne", actor_id=None)
    assert ids(index, tag="pilne") == ["web-address"]


def test_filters_to_and_from_the_query_string() -> None:
    filters = Filters.from_query(
        {"tag": "  Do  Szkolenia ", "district_is": " xii ", "district": "1"}
    )
    assert filters == Filters(district=True, tag="do szkolenia", district_is="XII")
    assert filters.to_query() == {"district": "1", "tag": "do szkolenia", "district_is": "XII"}
    assert Filters.from_query(filters.to_query()) == filters


def test_a_tag_is_a_short_label() -> None:
    assert normalise_tag("  Pilne   Sprawa ") == "pilne sprawa"
    assert normalise_tag("ŹLE Zrozumiane") == "źle zrozumiane"
    assert normalise_tag("- 500 plus -") == "500 plus"
    assert normalise_tag("x" * 40) == "x" * 40
    refused = {
        "": "Proszę wpisać etykietę.",
        "   ": "Proszę wpisać etykietę.",
        "x" * 41: "Etykieta może mieć najwyżej 40 znaków.",
        "pilne!": "Etykieta może zawierać tylko litery, cyfry, spacje i łączniki.",
        "a_b": "Etykieta może zawierać tylko litery, cyfry, spacje i łączniki.",
        "<b>": "Etykieta może zawierać tylko litery, cyfry, spacje i łączniki.",
        "tel 601 234 567": "Etykieta nie może zawierać danych osobowych (np. numeru telefonu).",
        GOOD_PESEL: "Etykieta nie może zawierać danych osobowych (np. numeru telefonu).",
    }
    for raw, message in refused.items():
        with pytest.raises(ReviewError) as error:
            normalise_tag(raw)
        assert (error.value.status, error.value.message) == (400, message), raw
    assert clean_note(" a\r\nb ") == "a\nb"
    with pytest.raises(ReviewError, match="Proszę wpisać treść notatki."):
        clean_note(" \n ")
    with pytest.raises(ReviewError, match="najwyżej 2000 znaków"):
        clean_note("x" * 2001)
    assert clean_note("x" * 2000) == "x" * 2000


@pytest.mark.databases("sqlite", "postgresql")
def test_a_tag_is_added_once(index: ConversationIndex) -> None:
    build(index)
    assert index.add_tag("web-old", "pilne", actor_id=None)
    assert not index.add_tag("web-old", " PILNE", actor_id=None)
    assert index.transcript("web-old").tags == ["pilne"]


@pytest.mark.databases("sqlite", "postgresql")
def test_notes_are_masked_in_transcripts_and_exports(index: ConversationIndex) -> None:
    build(index)
    note_id = index.add_note("web-old", NOTE, actor_id=None)
    index.add_tag("web-old", "pilne", actor_id=None)
    [note] = index.transcript("web-old").notes
    assert (note.id, note.text, note.author) == (note_id, MASKED_NOTE, "pracownik")
    assert index.transcript("web-old", unmasked=True).notes[0].text == NOTE
    [row] = [r for r in index.iterate(Filters(tag="pilne"))]
    assert row.conversation_id == "web-old" and row.notes_text == f"pracownik: {MASKED_NOTE}"
    exported = json.dumps(row.to_json(), ensure_ascii=False)
    assert MASKED_NOTE in exported and GOOD_PESEL not in exported and "wp.pl" not in exported
    assert row.to_json()["tags"] == ["pilne"]
    # the list page does not read the notes' text at all
    assert index.list(Filters(tag="pilne")).rows[0].notes == []


def staff(index: ConversationIndex, first_name: str, role: Role) -> Actor:
    """A staff row straight in the database (no password needed here)."""
    with index.db.transaction() as session:
        row = Staff(login=first_name.lower(), first_name=first_name, role=role, password_hash="x")
        session.add(row)
        session.flush()
        return Actor(row.id, role)


@pytest.mark.databases("sqlite", "postgresql")
def test_only_the_author_or_a_supervisor_deletes_a_note(index: ConversationIndex) -> None:
    build(index)
    ania, ola = staff(index, "Ania", Role.worker), staff(index, "Ola", Role.worker)
    boss = staff(index, "Szef", Role.supervisor)
    first = index.add_note("web-old", "pierwsza", ania.id)
    second = index.add_note("web-old", "druga", ania.id)
    assert [n.author for n in index.transcript("web-old").notes] == ["Ania", "Ania"]
    with pytest.raises(ReviewError) as refused:
        index.delete_note("web-old", first, ola)
    assert refused.value.status == 403 and len(index.transcript("web-old").notes) == 2
    with pytest.raises(ReviewError) as elsewhere:
        index.delete_note("web-pesel", first, ania)
    assert elsewhere.value.status == 404  # a note is deleted through its own conversation
    index.delete_note("web-old", first, ania)
    index.delete_note("web-old", second, boss)
    assert index.transcript("web-old").notes == []
