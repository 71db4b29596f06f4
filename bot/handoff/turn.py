"""One resident's message in a conversation that may be handed over: the policy both channels
(the web chat's gateway and Rasa's Messenger channel) follow, so that they cannot drift apart.

While a worker has the conversation Rasa is paused and stays silent, so: the "back to the
assistant" and "leave a contact" buttons (or a typed cancel) resume it first; a waiting resident
is told their place in the queue; and a conversation paused without an open ticket (a give-back
that did not reach Rasa) is resumed and asked again, so that nobody is left without an answer.

The desk reads the console database: in a thread, so a busy database holds up only this
conversation, never the event loop that every other chat shares.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Protocol

from bot.handoff.desk import HandoffDesk, control_intent
from bot.messages import Reply

log = logging.getLogger("bot.handoff.turn")


class Assistant(Protocol):
    """What a channel does with Rasa for one conversation."""

    async def send(self, message: str) -> bool:
        """The message to Rasa (as an intent when it is `/name`); whether Rasa answered."""
        ...

    async def resume(self) -> None:
        """Rasa's `resume` event: the paused conversation is the assistant's again."""
        ...

    async def paused(self) -> bool:
        """Whether Rasa has the conversation paused."""
        ...


@dataclass(frozen=True)
class Turn:
    """How the message went: answered by the assistant (or not, when it failed), or held by the
    handoff: a worker has it (`waiting` None), or the resident waits in the queue (`waiting`)."""

    handed_over: bool = False
    waiting: Reply | None = None


async def take_turn(
    desk: HandoffDesk | None, conversation_id: str, message: str, assistant: Assistant
) -> Turn:
    """One message through the assistant, minding a handed-over conversation."""
    if desk is None:
        await assistant.send(message)
        return Turn()
    control = control_intent(message)
    if control and await _has_open_ticket(desk, conversation_id):
        await assistant.resume()
        message = f"/{control}"  # typed or clicked: the button's intent
    if await assistant.send(message):
        return Turn()  # the bot answered: nothing handed over (no database lookup)
    if await _has_open_ticket(desk, conversation_id):
        waiting = await asyncio.to_thread(desk.waiting_reply, conversation_id)
        return Turn(handed_over=True, waiting=waiting)
    if await assistant.paused():
        log.warning("paused without a ticket: resumed", extra={"session": conversation_id[:8]})
        await assistant.resume()
        await assistant.send(message)
    return Turn()


async def _has_open_ticket(desk: HandoffDesk, conversation_id: str) -> bool:
    return await asyncio.to_thread(desk.has_open_ticket, conversation_id)
