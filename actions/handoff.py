"""Actions of the handoff to a social worker: thin adapters from Rasa's tracker to `bot.handoff`."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.say import ReplyAction, say
from bot.handoff.contact import (
    ContactError,
    contact_already_given,
    contact_in,
    looks_like_a_contact,
    parse_contact,
    says_no_contact,
)
from bot.handoff.desk import (
    HANDOFF_SLOTS,
    NO_CONTACT,
    NO_CONTACT_INTENT,
    WORKER_INTENTS,
    HandoffDesk,
    HandoffRequest,
    Mode,
    channel_of,
    description_problem,
    district_of,
    leaves_form,
    topic_of,
)
from bot.messages import Reply
from bot.nlp.crisis import is_crisis

DESK = HandoffDesk.from_env()


def _intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def _reset(ticket: int | None = None) -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in HANDOFF_SLOTS if slot != "handoff_ticket"] + [
        SlotSet("handoff_ticket", ticket)
    ]


def _has_no_contact(intent: str, text: str) -> bool:
    return intent == NO_CONTACT_INTENT or says_no_contact(text)


def _mode(tracker: Tracker) -> Mode | None:
    value = tracker.get_slot("handoff_mode")
    return Mode(value) if value else None


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        """A "no" ends the form; only a call-back needs the contact."""
        if tracker.get_slot("handoff_consent") is False:
            return ["handoff_consent"]
        if _mode(tracker) is Mode.callback:
            return domain_slots
        return [slot for slot in domain_slots if slot != "callback_contact"]

    def validate_handoff_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        intent = _intent(tracker) or ""
        if leaves_form(intent, str(value)):
            return {"handoff_consent": False, "handoff_description": None}
        if is_crisis(intent):  # the numbers first; the person still gets a worker
            dispatcher.utter_message(response=f"utter_{intent}")
            return {"handoff_description": str(value)}
        if _mode(tracker) is Mode.callback and _has_no_contact(intent, str(value)):
            # The consent question named a phone or e-mail: the answer is to that.
            return {"handoff_consent": False, "callback_contact": NO_CONTACT}
        problem = description_problem(str(value))
        if problem:
            say(dispatcher, Reply(problem))
            return {"handoff_description": None}
        return {"handoff_description": str(value).strip()}

    async def extract_callback_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        """A contact written before the question (with the request itself) is not asked again;
        one written with words read as another topic ("mój telefon do kontaktu: 600 100 200"),
        which the slot's mapping leaves out, is still taken."""
        requested = tracker.get_slot("requested_slot")
        if tracker.get_slot("callback_contact") or requested is None:
            return {}
        if requested == "callback_contact":
            contact = contact_in(str((tracker.latest_message or {}).get("text") or ""))
        else:
            contact = contact_already_given(tracker.events, self.form_name())
        return {"callback_contact": contact} if contact else {}

    def validate_callback_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "callback_contact":
            return {"callback_contact": value}  # written earlier, already read as a contact
        intent = _intent(tracker) or ""
        if says_no_contact(str(value)) and not contact_in(str(value)):
            # "nie mam", as the hints ask: another way to reach MOPS, not a plain no
            return {"handoff_consent": False, "callback_contact": NO_CONTACT}
        if leaves_form(intent, str(value)) or intent == "deny":
            return {"handoff_consent": False, "callback_contact": None}
        if is_crisis(intent):  # the numbers first; the call-back can still be left
            dispatcher.utter_message(response=f"utter_{intent}")
            return {"callback_contact": None}
        try:
            contact = parse_contact(str(value))
        except ContactError as error:
            if _has_no_contact(intent, str(value)):
                # Another way instead of the same question again (action_handoff_submit).
                return {"handoff_consent": False, "callback_contact": NO_CONTACT}
            if looks_like_a_contact(str(value)):  # digits or an "@": a contact mistyped
                dispatcher.utter_message(text=str(error), message_key="callback_contact_hint")
            elif intent in WORKER_INTENTS:  # "proszę przekazać do pracownika": why the contact
                say(dispatcher, Reply("callback_contact_for_worker"))
            else:  # "dziękuję", "ok": no contact was meant; the ways on and out
                say(dispatcher, Reply("callback_contact_missing"))
            return {"callback_contact": None}
        return {"callback_contact": contact.value}  # normalised: parsing it again gives it back


class ActionAskHandoffConsent(Action):
    """The consent question; fixes the mode (a worker now, or a call-back) for this request."""

    def name(self) -> str:
        return "action_ask_handoff_consent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        mode = _mode(tracker) or DESK.mode_now()
        say(dispatcher, DESK.consent_question(mode))
        return [SlotSet("handoff_mode", mode.value), SlotSet("contact_asked", False)]


class ActionAskHandoffDescription(ReplyAction):
    action_name = "action_ask_handoff_description"

    def reply(self, tracker: Tracker) -> Reply:
        return Reply("handoff_description")


class ActionAskCallbackContact(ReplyAction):
    action_name = "action_ask_callback_contact"

    def reply(self, tracker: Tracker) -> Reply:
        # Asked again after another answer (a side question, a crisis): say what it is for and
        # how to leave, as the resident may have meant to move on.
        if tracker.get_slot("contact_asked") and tracker.latest_action_name != "action_listen":
            return Reply("callback_contact_again")
        return Reply("callback_contact")

    def events(self, tracker: Tracker) -> list[dict[str, Any]]:
        return [SlotSet("contact_asked", True)]


class ActionHandoffSubmit(Action):
    """After the form: the desk decides (nothing, a call-back, or a ticket); a ticket pauses the
    bot. The desk's database work runs in a thread: a locked console database must not hold up
    the action server's other conversations."""

    def name(self) -> str:
        return "action_handoff_submit"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        ticket = tracker.get_slot("handoff_ticket")
        description = tracker.get_slot("handoff_description") or ""
        request = HandoffRequest(
            conversation_id=tracker.sender_id,
            channel=channel_of(tracker.get_latest_input_channel()),
            consented=tracker.get_slot("handoff_consent") is True,
            mode=_mode(tracker),
            description=description,
            contact=tracker.get_slot("callback_contact"),
            ticket_id=int(ticket) if ticket else None,
            topic=topic_of(tracker.events),
            district=district_of(tracker.events),
        )
        submitted = await asyncio.to_thread(DESK.submit, request)
        say(dispatcher, submitted.reply)
        if submitted.ticket is None:  # a "no", a call-back, or kept until the database answers
            return _reset()
        # The description stays: leaving a contact instead of waiting reuses it. The bot listens
        # (records) while paused, so the message that ends the pause is read as a new turn.
        return [
            *_reset(submitted.ticket.id),
            SlotSet("handoff_description", description),
            ConversationPaused(),
            ActionExecuted("action_listen"),
        ]


class ActionHandoffCancel(Action):
    """Back to the assistant: a waiting or claimed ticket ends, or the request is dropped."""

    def name(self) -> str:
        return "action_handoff_cancel"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        say(dispatcher, DESK.cancel(tracker.sender_id))
        return _reset()


class ActionHandoffLeaveContact(Action):
    """Leave a contact instead of waiting: the ticket ends and the form asks for the contact."""

    def name(self) -> str:
        return "action_handoff_leave_contact"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        ticket = DESK.switch_to_contact(tracker.sender_id)
        return [
            SlotSet("handoff_mode", Mode.callback.value),
            SlotSet("handoff_consent", None),
            SlotSet("handoff_ticket", ticket),
        ]
