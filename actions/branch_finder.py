"""Actions of the branch finder: thin adapters from Rasa's tracker to `bot.branch_finder`."""

from __future__ import annotations

from abc import ABC
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.say import ReplyAction
from bot import branch_finder
from bot.address import AddressResolver
from bot.branches import BranchCatalogue
from bot.follow_up import OFFICE
from bot.messages import Reply

RESOLVER = AddressResolver.load()
CATALOGUE = BranchCatalogue.load()


def clear_search() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in branch_finder.SEARCH_SLOTS]


class ValidateBranchForm(FormValidationAction):
    def name(self) -> str:
        return "validate_branch_form"

    async def extract_district(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        """The resident's answer, as it came; `validate_district` resolves it.

        rasa-sdk keeps only required slots from extraction, so the search state the resolution
        sets (label, status, pending street) is returned by the validation.
        """
        message = tracker.latest_message
        intent = (message.get("intent") or {}).get("name")
        asked = tracker.get_slot("requested_slot") is not None
        text = message.get("text") or ""
        if not branch_finder.concerns_address(intent, message.get("entities") or [], asked, text):
            return {}
        return {"district": text}

    def validate_district(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        message = tracker.latest_message
        return branch_finder.interpret(
            text=str(value),
            intent=(message.get("intent") or {}).get("name"),
            entities=message.get("entities") or [],
            pending_street=tracker.get_slot("address_street"),
            resolver=RESOLVER,
            pending_district=branch_finder.pending_district(tracker.slots),
        )

    def validate_district_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        return branch_finder.confirm(bool(value), tracker.latest_message.get("text") or "")


class _ReplyAction(ReplyAction, ABC):
    """A branch-finder reply; the answer (or giving up) ends the search and clears its slots.

    The branch or the contacts become the topic of follow-up questions ("a o której otwierają?").
    """

    ends_search = False
    about_office = False

    def events(self, tracker: Tracker) -> list[dict[str, Any]]:
        topic = [SlotSet("topic", OFFICE)] if self.about_office else []
        return (clear_search() if self.ends_search else []) + topic


class ActionAskDistrict(_ReplyAction):
    action_name = "action_ask_district"

    def reply(self, tracker: Tracker) -> Reply:
        return branch_finder.question(tracker.slots)


class ActionAskDistrictConfirmed(_ReplyAction):
    action_name = "action_ask_district_confirmed"

    def reply(self, tracker: Tracker) -> Reply:
        return branch_finder.confirmation(tracker.slots)


class ActionBranchAnswer(_ReplyAction):
    action_name = "action_branch_answer"
    ends_search = True
    about_office = True

    def reply(self, tracker: Tracker) -> Reply:
        return branch_finder.closing(tracker.slots, CATALOGUE)

    def events(self, tracker: Tracker) -> list[dict[str, Any]]:
        left = tracker.get_slot("address_status") == branch_finder.LEFT
        return clear_search() if left else super().events(tracker)


class ActionOfferDistricts(_ReplyAction):
    action_name = "action_offer_districts"
    ends_search = True

    def reply(self, tracker: Tracker) -> Reply:
        return branch_finder.offer_districts()


class ActionContactInfo(_ReplyAction):
    action_name = "action_contact_info"
    about_office = True

    def reply(self, tracker: Tracker) -> Reply:
        return branch_finder.contacts(CATALOGUE)
