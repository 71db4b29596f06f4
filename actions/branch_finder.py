"""Actions of the branch finder: thin adapters from Rasa's tracker to `bot.branch_finder`."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.say import say
from bot import branch_finder
from bot.address import AddressResolver
from bot.branches import BranchCatalogue

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
        message = tracker.latest_message
        return branch_finder.interpret(
            text=message.get("text") or "",
            intent=(message.get("intent") or {}).get("name"),
            entities=message.get("entities") or [],
            pending_street=tracker.get_slot("address_street"),
            resolver=RESOLVER,
        )

    def validate_district_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        if value is False:
            return dict.fromkeys(branch_finder.SEARCH_SLOTS) | {"address_status": "rejected"}
        return {"district_confirmed": value}


class ActionAskDistrict(Action):
    def name(self) -> str:
        return "action_ask_district"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        say(dispatcher, branch_finder.question(tracker.slots))
        return []


class ActionAskDistrictConfirmed(Action):
    def name(self) -> str:
        return "action_ask_district_confirmed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        say(dispatcher, branch_finder.confirmation(tracker.slots))
        return []


class ActionBranchAnswer(Action):
    def name(self) -> str:
        return "action_branch_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        say(dispatcher, branch_finder.answer(tracker.get_slot("district"), CATALOGUE))
        return clear_search()


class ActionOfferDistricts(Action):
    def name(self) -> str:
        return "action_offer_districts"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        say(dispatcher, branch_finder.offer_districts())
        return clear_search()
