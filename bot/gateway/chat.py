"""One message through the gateway: limits, Rasa, and the answer when Rasa is not there.

Both the WebSocket and the plain HTTP endpoint use this, so they behave the same.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from bot.branches import BranchCatalogue
from bot.gateway.limits import Limits
from bot.gateway.rasa_client import RasaClient, RasaUnavailable
from bot.gateway.sessions import SessionHub
from bot.handoff.desk import HandoffDesk, control_intent
from bot.messages import Messages

log = logging.getLogger("bot.gateway.chat")


def unavailable_text(catalogue: BranchCatalogue | None = None) -> str:
    """The apology when Rasa is down, with the information point's contacts from data/."""
    point = (catalogue or BranchCatalogue.load()).information_point
    return (
        "Przepraszam, asystent jest w tej chwili niedostępny. Proszę spróbować ponownie za kilka "
        f"minut albo skontaktować się z punktem informacyjnym MOPS: tel. {point.phones[0]}"
        + (f", e-mail {point.email}" if point.email else "")
        + f", {point.address}."
    )


@dataclass
class Outcome:
    """What happened to one message: refused (with why) or answered (the new messages)."""

    refused: dict[str, Any] | None
    messages: list[dict[str, Any]]


class ChatService:
    """Passes residents' messages to Rasa and records everything said in the session hub."""

    def __init__(
        self, rasa: RasaClient, hub: SessionHub, limits: Limits, desk: HandoffDesk | None = None
    ) -> None:
        self.rasa = rasa
        self.hub = hub
        self.limits = limits
        self.desk = desk  # set when the console (and its database) is mounted
        self.messages = Messages.load()
        self._unavailable = unavailable_text()

    async def load_history(self, session: str) -> None:
        """After a gateway restart, rebuild a conversation's history from Rasa's tracker."""
        conversation = self.hub.get(session)
        if conversation.loaded:
            return
        try:
            said = await self.rasa.history(session)
        except RasaUnavailable:
            return  # try again on the next connection
        self.hub.seed(session, said)

    async def _ask_rasa(
        self, session: str, text: str, payload: str | None
    ) -> tuple[list[dict[str, Any]], str]:
        """Rasa's replies, or the apology with the information point when Rasa is not there."""
        try:
            replies = await self._handoff_aware_send(session, text, payload)
            return replies, "ok"
        except RasaUnavailable as error:
            log.warning("rasa unavailable", extra={"session": session[:8], "error": str(error)})
            return [{"text": self._unavailable, "buttons": []}], "rasa_unavailable"

    async def _handoff_aware_send(
        self, session: str, text: str, payload: str | None
    ) -> list[dict[str, Any]]:
        """One message to Rasa, minding a paused (handed-over) conversation.

        While a worker has the conversation Rasa stays silent, so: the "back to the assistant"
        and "leave a contact" buttons resume it first; a waiting resident is told their place in
        the queue; and a conversation paused without an open ticket (a give-back that did not
        reach Rasa) is resumed and asked again, so that nobody is left without an answer.
        """
        message, shown = payload or text, text if payload else None
        control = control_intent(message) if self.desk else None
        if control and self.desk and self.desk.has_open_ticket(session):
            await self.rasa.append_events(session, [{"event": "resume"}])
            message, shown = f"/{control}", text  # typed or clicked: the button's intent
        replies = await self.rasa.send(session, message, shown)
        if replies or self.desk is None:
            return replies  # the bot answered: nothing handed over (no database lookup)
        if self.desk.has_open_ticket(session):
            waiting = self.desk.waiting_reply(session)
            if waiting is None:
                return []  # a worker has it: they read the message in the console
            rendered = self.messages.render(waiting)
            return [{"text": rendered.text, "buttons": rendered.buttons}]
        if await self.rasa.paused(session):
            log.warning("paused without a ticket: resumed", extra={"session": session[:8]})
            await self.rasa.append_events(session, [{"event": "resume"}])
            return await self.rasa.send(session, message, shown)
        return replies

    async def handle(self, session: str, ip: str, text: str, payload: str | None = None) -> Outcome:
        """Refuse, or record the message and the assistant's replies (or the apology)."""
        refusal = self.limits.refusal(session, ip, payload or text)
        if refusal:
            log.info("message refused", extra={"session": session[:8], "reason": refusal["reason"]})
            return Outcome(refusal, [])
        await self.load_history(session)
        conversation = self.hub.get(session)
        async with conversation.lock:
            new = [await self.hub.publish(session, {"role": "user", "text": text, "buttons": []})]
            await self.hub.broadcast(session, {"type": "typing", "on": True})
            started = time.perf_counter()
            try:
                replies, status = await self._ask_rasa(session, text, payload)
                for reply in replies:
                    new.append(await self.hub.publish(session, {"role": "bot", **reply}))
            finally:  # the typing indicator goes off after the replies, whatever happened
                await self.hub.broadcast(session, {"type": "typing", "on": False})
            log.info(
                "message answered",
                extra={
                    "session": session[:8],
                    "status": status,
                    "replies": len(replies),
                    "rasa_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        return Outcome(None, new)
