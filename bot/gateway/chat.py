"""One message through the gateway: hygiene, limits, Rasa, and the answer when Rasa fails.

Both the WebSocket and the plain HTTP endpoint use this, so they behave the same. Whatever fails,
the resident gets an answer (bot.gateway.fallback); what Rasa did not get is kept in the outbox
and delivered, in order and once, when Rasa is back (bot.gateway.outbox).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from bot.gateway.fallback import Fallback
from bot.gateway.hygiene import offered, to_rasa
from bot.gateway.limits import Limits
from bot.gateway.outbox import Kept, Outbox
from bot.gateway.rasa_client import NOT_STORED, RasaClient, RasaUnavailable
from bot.gateway.sessions import SessionHub
from bot.handoff.desk import HandoffDesk
from bot.handoff.turn import take_turn
from bot.messages import Messages

log = logging.getLogger("bot.gateway.chat")
# How often kept messages are offered to Rasa again, and for how long after a failure a
# conversation with kept messages does not try Rasa in-line (its message is kept behind them).
RETRY_SECONDS = 2.0
# A kept message that Rasa, though up, keeps answering with an error (a message that breaks it)
# is given up after this long, so that it does not hold back the conversation's later ones.
GIVE_UP_SECONDS = 120.0
# Kept messages of this many conversations mean Rasa (or its database) is out for everyone: new
# messages are answered and kept at once instead of each waiting for a failure of its own.
OUTAGE_CONVERSATIONS = 2


@dataclass
class Outcome:
    """What happened to one message: refused (with why) or answered (the new messages)."""

    refused: dict[str, Any] | None
    messages: list[dict[str, Any]]


class ChatService:
    """Passes residents' messages to Rasa and records everything said in the session hub."""

    def __init__(
        self,
        rasa: RasaClient,
        hub: SessionHub,
        limits: Limits,
        desk: HandoffDesk | None = None,
        retry_seconds: float = RETRY_SECONDS,
        give_up_seconds: float = GIVE_UP_SECONDS,
        outbox: Outbox | None = None,
    ) -> None:
        self.rasa = rasa
        self.hub = hub
        self.limits = limits
        self.desk = desk  # None: no console database (the handoff is not minded)
        self.messages = Messages.load()
        self.fallback = Fallback.load()
        self.outbox = outbox if outbox is not None else Outbox()  # an empty one is falsy
        self.retry_seconds = retry_seconds
        self.give_up_seconds = give_up_seconds
        self._failed_at = float("-inf")
        self._store_out = False  # the last failure was Rasa's database, out for everyone
        self._store_failure = asyncio.Event()  # set when Rasa says it cannot store conversations
        self._retrying: asyncio.Task[None] | None = None

    def resume(self) -> None:
        """Deliver what was kept before a restart (called once the event loop runs)."""
        if len(self.outbox):
            self._ensure_retrying()

    def _ensure_retrying(self) -> None:
        """One task delivers the kept messages; start it unless it runs."""
        if self._retrying is None or self._retrying.done():
            self._retrying = asyncio.create_task(self._retry())

    async def close(self) -> None:
        if self._retrying is not None:
            self._retrying.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retrying

    async def load_history(self, session: str) -> None:
        """After a gateway restart, rebuild a conversation's history from Rasa's tracker."""
        conversation = self.hub.get(session)
        if conversation.loaded or self._outage():
            return  # in an outage, try again on a later message rather than wait for Rasa now
        try:
            said = await self.rasa.history(session)
        except RasaUnavailable:
            return  # try again on the next connection
        self.hub.seed(session, said)

    async def _answer(self, session: str, kept: Kept, text: str) -> tuple[list[dict], str]:
        """Rasa's replies; or, when it fails or says nothing, the fallback (crisis numbers first).

        An empty list only while a worker has the conversation: they read it in the console.
        """
        try:
            if (self._recently_failed() and self.outbox.pending(session)) or self._outage():
                # Keep the order behind kept messages; in an outage, answer at once: each try
                # would wait for Rasa's own timeout while its event loop serves no one else.
                raise RasaUnavailable("kept messages wait for Rasa")
            replies = await self._unless_rasa_cannot_store(self._to_rasa(session, kept))
        except RasaUnavailable as error:
            self._failed(error)
            log.warning("rasa unavailable", extra={"session": session[:8], "error": str(error)})
            self._keep(session, kept)
            return self.fallback.replies(text), "rasa_unavailable"
        if replies is None:
            return [], "handed_over"
        if not replies:  # Rasa stored the message but a custom action failed (action server down)
            log.warning("no answer from rasa", extra={"session": session[:8]})
            return self.fallback.replies(text), "no_answer"
        return replies, "ok"

    async def _to_rasa(self, session: str, kept: Kept) -> list[dict[str, Any]] | None:
        await self._deliver_kept(session)
        return await self._handoff_aware_send(session, kept)

    async def _unless_rasa_cannot_store(
        self, work: Coroutine[Any, Any, list[dict[str, Any]] | None]
    ) -> list[dict[str, Any]] | None:
        """Rasa's answer, unless Rasa says meanwhile (for another conversation) that it cannot
        store conversations: then this message is answered and kept at once too. Messages sent at
        the same moment would otherwise each wait out the database's busy timeout in turn, on
        Rasa's one event loop."""
        task = asyncio.ensure_future(work)
        alarm = asyncio.ensure_future(self._store_failure.wait())
        try:
            await asyncio.wait({task, alarm}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            alarm.cancel()
            if not task.done():
                task.cancel()  # a resend first asks Rasa whether it got the message
        if task.done() and not task.cancelled():
            return task.result()
        raise RasaUnavailable("Rasa cannot store conversations now", NOT_STORED)

    def _failed(self, error: RasaUnavailable) -> None:
        self._failed_at = time.monotonic()
        self._store_out = error.status == NOT_STORED
        if self._store_out:  # release the messages waiting for Rasa now; later ones wait anew
            self._store_failure.set()
            self._store_failure = asyncio.Event()

    def _recently_failed(self) -> bool:
        return time.monotonic() - self._failed_at < self.retry_seconds

    def _outage(self) -> bool:
        """Rasa just said it cannot store conversations, or is failing several of them: not
        one message that breaks it."""
        return self._recently_failed() and (
            self._store_out or len(self.outbox.sessions()) >= OUTAGE_CONVERSATIONS
        )

    def _keep(self, session: str, kept: Kept) -> None:
        """Keep a message for Rasa, and make sure someone will deliver it."""
        if not self.outbox.keep(session, kept):
            log.error("outbox full: message not kept", extra={"session": session[:8]})
        self._ensure_retrying()

    async def _deliver_kept(self, session: str) -> None:
        """Send the conversation's kept messages to Rasa, oldest first; publish late answers.

        Called with the conversation's lock held. A message Rasa already has (it timed out on
        our side but was handled) is not sent twice: its answer, from Rasa's tracker, is published.
        Raises RasaUnavailable when Rasa is still out.
        """
        for kept in self.outbox.pending(session):
            try:
                # Rasa may have the message already: it handled it after we stopped waiting
                answered = await self.rasa.answer_to(session, kept.ref)
            except RasaUnavailable as error:  # the conversation cannot be read yet: not refused
                raise RasaUnavailable(str(error)) from error
            try:
                if answered is None:
                    answered = await self._handoff_aware_send(session, kept) or []
                for reply in answered:
                    await self.hub.publish(session, {"role": "bot", **reply})
            except RasaUnavailable as error:
                if error.passing or self.outbox.refused_for(kept) < self.give_up_seconds:
                    raise
                log.error("kept message given up: rasa refuses it", extra={"session": session[:8]})
            else:
                log.info("kept message delivered", extra={"session": session[:8]})
            self.outbox.delivered(session, kept)

    async def _retry(self) -> None:
        """While messages are kept: wait, and deliver them once Rasa answers again."""
        while len(self.outbox):
            await asyncio.sleep(self.retry_seconds)
            if not await self.rasa.ready():
                continue
            for session in self.outbox.sessions():
                conversation = self.hub.get(session)
                try:
                    async with conversation.lock:
                        await self._deliver_kept(session)
                except RasaUnavailable as error:
                    self._failed(error)  # still failing: keep answering at once
                    if error.passing:
                        break  # down again, or its database: try later
                    # up, but refusing this conversation's oldest message: the others go on
                except Exception:  # one bad conversation must not stop the others
                    log.exception("kept message not delivered", extra={"session": session[:8]})

    async def _handoff_aware_send(self, session: str, kept: Kept) -> list[dict[str, Any]] | None:
        """One message to Rasa under the handoff's turn policy (bot.handoff.turn).

        None when a worker has the conversation (no answer is due); the queue position while
        the resident waits.
        """
        rasa = _RasaTurn(self.rasa, session, kept)
        turn = await take_turn(self.desk, session, kept.message, rasa)
        if not turn.handed_over:
            return rasa.replies
        if turn.waiting is None:
            return None  # a worker has it: they read the message in the console
        rendered = self.messages.render(turn.waiting)
        return [{"text": rendered.text, "buttons": rendered.buttons}]

    async def handle(self, session: str, ip: str, text: str, payload: str | None = None) -> Outcome:
        """Refuse, or record the message and the assistant's replies (or the fallback)."""
        refusal = self.limits.refusal(session, ip, text, payload)
        if refusal:
            log.info("message refused", extra={"session": session[:8], "reason": refusal["reason"]})
            return Outcome(refusal, [])
        await self.load_history(session)
        conversation = self.hub.get(session)
        async with conversation.lock:
            kept = Kept(*to_rasa(text, payload, offered(conversation.history)))
            new = [await self.hub.publish(session, {"role": "user", "text": text, "buttons": []})]
            await self.hub.broadcast(session, {"type": "typing", "on": True})
            started = time.perf_counter()
            try:
                replies, status = await self._answer(session, kept, text)
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


class _RasaTurn:
    """The web chat's side of the turn policy: Rasa's REST channel and its tracker API."""

    def __init__(self, rasa: RasaClient, session: str, kept: Kept) -> None:
        self.rasa = rasa
        self.session = session
        self.kept = kept
        self.replies: list[dict[str, Any]] = []

    async def send(self, message: str) -> bool:
        kept = self.kept
        shown = kept.shown if message == kept.message else kept.shown or kept.message
        self.replies = await self.rasa.send(self.session, message, shown, kept.ref)
        return bool(self.replies)

    async def resume(self) -> None:
        await self.rasa.append_events(self.session, [{"event": "resume"}])

    async def paused(self) -> bool:
        return await self.rasa.paused(self.session)
