"""Send a `bot` reply through Rasa's dispatcher, with its text from data/messages.yml."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.messages import Messages, Reply

MESSAGES = Messages.load()


def say(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """Send the reply; its message key goes into the bot event's metadata (`message_key`), so
    evaluation and review can tell which message was said, as `utter_action` does for responses."""
    rendered = MESSAGES.render(reply)
    dispatcher.utter_message(text=rendered.text, buttons=rendered.buttons, message_key=reply.key)


class ReplyAction(Action, ABC):
    """An action that says what a `bot` function decides from the tracker; `events` after it."""

    action_name: str

    @abstractmethod
    def reply(self, tracker: Tracker) -> Reply: ...

    def events(self, tracker: Tracker) -> list[dict[str, Any]]:
        return []

    def name(self) -> str:
        return self.action_name

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        say(dispatcher, self.reply(tracker))
        return self.events(tracker)
