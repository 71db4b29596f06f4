"""Send a `bot` reply through Rasa's dispatcher, with its text from data/messages.yml."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from bot.messages import Messages, Reply

MESSAGES = Messages.load()


def say(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    rendered = MESSAGES.render(reply)
    dispatcher.utter_message(text=rendered.text, buttons=rendered.buttons)
