"""The resident's side of a handoff, without Rasa: what to ask, open, tell and store.

Used by the actions (consent, description, the ticket, a call-back) and by the channels, which
answer a paused conversation themselves: the queue position while the resident waits, and the
"go back to the assistant" and "leave a contact" buttons, which must work while Rasa is paused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any

from bot.branches import BranchCatalogue
from bot.clarify import intent_key
from bot.handoff.callbacks import CallbackService
from bot.handoff.contact import Contact, parse_contact
from bot.handoff.hours import OfficeHours
from bot.handoff.spool import UNAVAILABLE, HandoffSpool, spool_path
from bot.handoff.tickets import TicketService, TicketView
from bot.messages import Reply
from bot.polish.text import fold_diacritics
from bot.storage import Database, database_url
from bot.storage.models import ContactKind, TicketStatus

CANCEL_INTENT = "cancel_handoff"
LEAVE_CONTACT_INTENT = "leave_contact"
NO_CONTACT_INTENT = "no_contact"
# Asking for a person or a call back: inside the call-back form, a wish to go on, not a contact.
WORKER_INTENTS = frozenset({"request_human", LEAVE_CONTACT_INTENT})
# Intents that leave the handoff form at a step that takes any text (the description, the
# contact); at the consent question the rules in data/rules/handoff.yml do it.
LEAVE_FORM_INTENTS = frozenset({CANCEL_INTENT, "stop", "help"})


# The command that leaves the handoff form, also as a sentence of its own inside a message.
CANCEL_WORD = "anuluj"
_SENTENCE_BREAKS = re.compile(r"[.,;:!?\n]+")
# The call-back slot's value for "I have neither a phone nor an e-mail".
NO_CONTACT = "none"
# What a resident may type instead of clicking "Wróć do asystenta" while a worker is on the line.
CANCEL_PHRASES = {
    CANCEL_WORD,
    "anuluj to",
    "stop",
    "rezygnuje",
    "wroc do asystenta",
    "powrot do asystenta",
    "nie chce czekac",
}
# Intents that say nothing about the resident's matter, so they are not the ticket's topic.
NOT_A_TOPIC = {
    "request_human",
    CANCEL_INTENT,
    LEAVE_CONTACT_INTENT,
    "affirm",
    "deny",
    "greet",
    "goodbye",
    "thank",
    "help",
    "bot_challenge",
    "nlu_fallback",
}
# Answers inside the branch search: the matter is finding the branch.
BRANCH_SEARCH = {"inform_address", "inform_district", "decline_address", "outside_krakow"}
MAX_DESCRIPTION_CHARS = 300
# The slots of one handoff request; cleared when it ends (by the bot, or by a worker's give-back).
HANDOFF_SLOTS = (
    "handoff_mode",
    "handoff_consent",
    "handoff_description",
    "callback_contact",
    "contact_asked",
    "handoff_ticket",
)


class Mode(str, Enum):
    """How a handoff goes: a worker now (office hours) or a call-back later."""

    live = "live"
    callback = "callback"


def channel_of(input_channel: str | None) -> str:
    """The console's channel name: Messenger is "facebook"; the web chat reaches Rasa by REST."""
    return "facebook" if input_channel == "facebook" else "web"


def control_intent(text: str) -> str | None:
    """The handoff button (or cancel phrase) a message carries, if any.

    A paused conversation does not reach Rasa's policies, so the channel resumes it first when
    the resident asks to go back to the assistant or to leave a contact instead of waiting.
    """
    stripped = text.strip()
    if stripped.startswith("/"):
        intent = stripped[1:].split("{", 1)[0]
        return intent if intent in (CANCEL_INTENT, LEAVE_CONTACT_INTENT) else None
    return CANCEL_INTENT if _folded(stripped) in CANCEL_PHRASES else None


def _folded(text: str) -> str:
    """A typed command as the phrases are listed: lower case, no Polish letters, single spaces."""
    return " ".join(fold_diacritics(text.lower()).strip(" .!").split())


def leaves_form(intent: str, text: str) -> bool:
    """ "anuluj", "menu" and the like, however the classifier read them; "anuluj" also as a
    sentence of its own after others ("a właściwie sama zadzwonię jutro. anuluj"), though not
    as a matter for the worker ("anuluj mój wniosek o zasiłek")."""
    return (
        intent in LEAVE_FORM_INTENTS
        or control_intent(text) == CANCEL_INTENT
        or CANCEL_WORD in (_folded(part) for part in _SENTENCE_BREAKS.split(text))
    )


def topic_of(events: Iterable[Mapping[str, Any]]) -> str | None:
    """The resident's matter: the latest user intent in the tracker events that names a topic."""
    intents = [intent_key(e.get("parse_data") or {}) for e in events if e.get("event") == "user"]
    for intent in reversed(intents):
        if intent in BRANCH_SEARCH:
            return "find_branch"
        if intent and intent.split("/")[0] not in NOT_A_TOPIC:
            return intent
    return None


def district_of(events: Iterable[Mapping[str, Any]]) -> str | None:
    """The district the branch finder last settled on (its slots are cleared after answering)."""
    found = [
        e.get("value")
        for e in events
        if e.get("event") == "slot" and e.get("name") == "district" and e.get("value")
    ]
    return str(found[-1]) if found else None


def description_problem(text: str) -> str | None:
    """The message key to answer with when a description cannot be used, else None."""
    words = [w for w in text.split() if any(c.isalnum() for c in w)]
    if len("".join(words)) < 3:
        return "handoff_description_short"
    if len(text) > MAX_DESCRIPTION_CHARS:
        return "handoff_description_long"
    return None


@dataclass(frozen=True)
class HandoffRequest:
    """What the handoff form gathered, as the tracker's slots hold it."""

    conversation_id: str
    channel: str
    consented: bool
    mode: Mode | None
    description: str
    contact: str | None = None  # the call-back contact, or NO_CONTACT
    ticket_id: int | None = None  # the ticket a resident left to leave a contact instead
    topic: str | None = None
    district: str | None = None


@dataclass(frozen=True)
class Submitted:
    """The answer to the resident, and the ticket when one was opened (the bot then pauses
    while a worker has the conversation)."""

    reply: Reply
    ticket: TicketView | None = None


class HandoffDesk:
    """Tickets, call-backs and office hours behind one door, for actions and channels."""

    def __init__(
        self,
        db: Database,
        hours: Callable[[], OfficeHours] = OfficeHours.current,
        catalogue: BranchCatalogue | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        spool: Path | None = None,
    ) -> None:
        """`spool`: where requests wait while the database is locked or down (without it, the
        database's error reaches the caller)."""
        self.tickets = TicketService(db)
        self.callbacks = CallbackService(db)
        self.hours = hours
        self.catalogue = catalogue or BranchCatalogue.load()
        self.now = now
        self.spool = HandoffSpool(spool, self._write_kept) if spool else None
        if self.spool and self.spool.pending():
            self.spool.start()  # kept before a restart

    @classmethod
    def from_env(cls) -> HandoffDesk:
        """The console's database (CONSOLE_DATABASE_URL); requests it cannot take wait in
        HANDOFF_SPOOL (var/handoff-spool/). Nothing is migrated here: that is a step of its own
        (`python -m bot.storage upgrade`, run by scripts/run.sh before anything starts)."""
        return cls(Database(database_url()), spool=spool_path())

    def submit(self, request: HandoffRequest) -> Submitted:
        """After the form: nothing (a "no"), a stored call-back, or a waiting ticket.

        A request the database cannot take now is kept (bot/handoff/spool.py): no ticket yet.
        """
        if not request.consented:
            no_contact = request.contact == NO_CONTACT
            return Submitted(self.no_contact() if no_contact else self.declined())
        if request.mode is Mode.callback:
            contact = parse_contact(request.contact or "")
            return Submitted(
                self.save_callback(
                    request.conversation_id,
                    request.channel,
                    contact,
                    request.description,
                    request.ticket_id,
                )
            )
        ticket, reply = self.open(
            request.conversation_id,
            request.channel,
            request.description,
            topic=request.topic,
            district=request.district,
        )
        return Submitted(reply, ticket)

    # --- before the ticket ---------------------------------------------------------------------

    def mode_now(self) -> Mode:
        return Mode.live if self.hours().is_open(self.now()) else Mode.callback

    def consent_question(self, mode: Mode) -> Reply:
        """Consent to a worker now; or to storing a contact, with the hours when it is closed."""
        if mode is Mode.live:
            return Reply("handoff_consent_live")
        if self.hours().is_open(self.now()):  # the resident prefers a call-back to waiting
            return Reply("handoff_consent_contact")
        when = self._when()
        # A file with no staffed hours at all: no "Pracownicy odpowiadają na czacie ." to tell.
        key = "handoff_consent_callback" if when["hours"] else "handoff_consent_callback_unstaffed"
        return Reply(key, when)

    def declined(self) -> Reply:
        return Reply("handoff_declined", self._point())

    def no_contact(self) -> Reply:
        """For a resident with no phone or e-mail: the information point, the chat's hours, the
        branch, instead of asking for a contact again."""
        hours = self.hours().describe()
        key = "callback_no_contact" if hours else "callback_no_contact_unstaffed"
        return Reply(key, {**self._point(), "hours": hours})

    # --- the ticket ----------------------------------------------------------------------------

    def open(
        self,
        conversation_id: str,
        channel: str,
        description: str,
        topic: str | None,
        district: str | None,
    ) -> tuple[TicketView | None, Reply]:
        """A waiting ticket with what the bot knows, and the message with the queue position.

        No ticket (None) when the database is locked or down: the request is kept and written
        when it answers again, and the resident is told so, with the information point.
        """
        branch = self.catalogue.for_district(district) if district else None
        request = {
            "kind": "ticket",
            "conversation_id": conversation_id,
            "channel": channel,
            "summary": description.strip(),
            "topic": topic,
            "district": district,
            "branch": branch.name if branch else None,
        }
        try:
            ticket = self._write_ticket(request)
        except UNAVAILABLE:
            if self.spool is None:
                raise
            self.spool.keep(request)
            return None, self.kept()
        try:
            position = self.tickets.position(ticket)
        except UNAVAILABLE:  # the ticket is written; only its place is unknown
            return ticket, self.kept()
        return ticket, Reply("handoff_queued", {"position": str(position)})

    def kept(self) -> Reply:
        """The request is taken and a worker will get it; the information point meanwhile."""
        return Reply("handoff_kept", self._point())

    def waiting_reply(self, conversation_id: str) -> Reply | None:
        """While the resident waits (not yet claimed): where they are in the queue."""
        ticket = self.tickets.active_for(conversation_id)
        if ticket is None or ticket.status != TicketStatus.waiting.value:
            return None
        return Reply("handoff_waiting", {"position": str(self.tickets.position(ticket))})

    def has_open_ticket(self, conversation_id: str) -> bool:
        return self.tickets.has_active(conversation_id)

    def cancel(self, conversation_id: str) -> Reply:
        """Back to the assistant: the open ticket ends, or a request in progress is dropped."""
        if self.tickets.cancel(conversation_id):
            return Reply("handoff_cancelled")
        return self.declined()

    def switch_to_contact(self, conversation_id: str) -> int | None:
        """The resident leaves a contact instead of waiting: the ticket ends, its id is kept."""
        cancelled = self.tickets.cancel(conversation_id, reason="callback")
        return cancelled.id if cancelled else None

    # --- a call-back ---------------------------------------------------------------------------

    def save_callback(
        self,
        conversation_id: str,
        channel: str,
        contact: Contact,
        description: str,
        ticket_id: int | None = None,
    ) -> Reply:
        """Store the request (the resident consented in the form) and say when to expect it;
        kept to be stored later when the database is locked or down."""
        request = {
            "kind": "callback",
            "contact_kind": contact.kind.value,
            "contact": contact.value,
            "ticket_id": ticket_id,
            "conversation_id": conversation_id,
            "channel": channel,
            "summary": description,
        }
        try:
            self._write_callback(request)
        except UNAVAILABLE:
            if self.spool is None:
                raise
            self.spool.keep(request)
            return self.kept()
        shown = f"tel. {contact.value}" if contact.kind.value == "phone" else contact.value
        return Reply(
            "callback_saved",
            {"contact": shown, **self._when(), "phone": self._point()["phone"]},
        )

    # --- writes, now or from the spool ----------------------------------------------------------

    def _write_ticket(self, request: Mapping[str, Any]) -> TicketView:
        return self.tickets.open(
            request["conversation_id"],
            request["channel"],
            request["summary"],
            topic=request["topic"],
            district=request["district"],
            branch=request["branch"],
        )

    def _write_callback(self, request: Mapping[str, Any]) -> None:
        self.callbacks.request(
            ContactKind(request["contact_kind"]),
            request["contact"],
            consent_given=True,
            ticket_id=request["ticket_id"],
            conversation_id=request["conversation_id"],
            channel=request["channel"],
            summary=request["summary"],
        )

    def _write_kept(self, request: dict[str, Any]) -> None:
        if request["kind"] == "callback":
            self._write_callback(request)
        else:
            self._write_ticket(request)

    # --- facts -----------------------------------------------------------------------------------

    def _when(self) -> dict[str, str]:
        """The staffed hours, and when a worker can answer at the earliest ("teraz" if open)."""
        hours = self.hours()
        upcoming = hours.next_opening_text(self.now())
        return {
            "hours": hours.describe(),
            "next_opening": f"najwcześniej {upcoming}"
            if upcoming and upcoming != "teraz"
            else "w godzinach pracy",
        }

    def _point(self) -> dict[str, str]:
        point = self.catalogue.information_point
        return {"phone": point.phones[0], "email": point.email or "", "address": point.address}
