"""What the console needs from the channels: the transcript, and a way to talk to the resident.

The console does not know how a conversation reaches the resident (the web chat's session hub,
Rasa's tracker and Messenger): the app factory hands it an implementation of `Delivery`
(bot/gateway/delivery.py).
"""

from __future__ import annotations

from typing import Any, Protocol

from bot.handoff.tickets import TicketView
from bot.messages import Reply


class Delivery(Protocol):
    async def transcript(self, channel: str, conversation_id: str) -> list[dict[str, Any]]:
        """What was said so far, oldest first (`role`, `text`, maybe `author`)."""
        ...

    async def send(self, ticket: TicketView, text: str, author: str) -> str | None:
        """A worker's message; the reason in Polish when it could not be delivered."""
        ...

    async def announce(self, ticket: TicketView, reply: Reply, resume: bool = False) -> str | None:
        """A message about the handoff itself (joined, transferred, ended); `resume` gives the
        conversation back to the assistant. The reason in Polish when it was not delivered."""
        ...
