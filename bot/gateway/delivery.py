"""The channels' side of a handoff (the console's `Delivery`): the transcript so far, and what
workers say to the resident.

Everything a worker says (and "a worker joined", "back to the assistant") is recorded in Rasa's
tracker as a `bot` event with the worker as author, so the conversation's history is complete in
one place. Rasa delivers it over Messenger (its output channel); the web chat gets it from the
gateway's session hub. Giving a conversation back adds Rasa's `resume` event.
"""

from __future__ import annotations

from typing import Any

from bot.gateway.chat import ChatService
from bot.gateway.rasa_client import RasaUnavailable
from bot.gateway.sessions import SESSION_ID, SessionHub
from bot.handoff.desk import HANDOFF_SLOTS
from bot.handoff.tickets import TicketView
from bot.messages import Messages, Reply

WEB = "web"
NOT_DELIVERED = (
    "Nie udało się przekazać wiadomości: asystent (Rasa) teraz nie odpowiada. "
    "Proszę spróbować ponownie za chwilę."
)
NO_TRANSCRIPT = "Przebieg rozmowy jest teraz niedostępny: asystent (Rasa) nie odpowiada."


class ChatDelivery:
    """The console's `Delivery` over the web chat's session hub and Rasa's tracker."""

    def __init__(self, hub: SessionHub, chat: ChatService) -> None:
        self.hub = hub
        self.chat = chat
        self.messages = Messages.load()

    async def transcript(self, channel: str, conversation_id: str) -> list[dict[str, Any]]:
        """What was said so far: the web chat's numbered messages, or Rasa's tracker."""
        if channel == WEB and SESSION_ID.match(conversation_id):
            await self.chat.load_history(conversation_id)
            return self.hub.since(conversation_id, 0)
        try:
            return await self.chat.rasa.history(conversation_id)
        except RasaUnavailable:
            return [{"role": "note", "text": NO_TRANSCRIPT}]

    async def send(self, ticket: TicketView, text: str, author: str) -> str | None:
        """A worker's message; the reason in Polish when it could not be delivered."""
        return await self._deliver(ticket, text, [], author)

    async def announce(self, ticket: TicketView, reply: Reply, resume: bool = False) -> str | None:
        """A message about the handoff itself (joined, transferred, ended), from data/messages."""
        rendered = self.messages.render(reply)
        return await self._deliver(ticket, rendered.text, rendered.buttons, None, resume)

    async def _deliver(
        self,
        ticket: TicketView,
        text: str,
        buttons: list[dict[str, str]],
        author: str | None,
        resume: bool = False,
    ) -> str | None:
        web = ticket.channel == WEB
        # Messenger shows the page as the sender: the worker's name goes into the text.
        shown = text if web or not author else f"{author} (MOPS): {text}"
        event: dict[str, Any] = {
            "event": "bot",
            "text": shown,
            "data": {"buttons": buttons} if buttons else {},
            "metadata": {"author": author} if author else {"handoff": True},
        }
        events = [event]
        if resume:
            slots = [{"event": "slot", "name": name, "value": None} for name in HANDOFF_SLOTS]
            events = [{"event": "resume"}, *slots, event]
        if web:
            await self.chat.load_history(ticket.conversation_id)  # keep earlier history first
        try:
            await self.chat.rasa.append_events(ticket.conversation_id, events, deliver=not web)
        except RasaUnavailable:
            return NOT_DELIVERED
        if web:
            entry = {"role": "bot", "text": text, "buttons": buttons}
            await self.hub.publish(
                ticket.conversation_id, entry | ({"author": author} if author else {})
            )
        return None
