"""Messenger messages Rasa could not take: kept in order, handed to Rasa again until it has them.

Used twice. In the gateway, which receives Messenger's webhook (bot.gateway.messenger_front):
an event Rasa could not be reached for is kept (GATEWAY_MESSENGER_OUTBOX) and handed on when
Rasa is back. In Rasa's channel (bot.gateway.messenger): when Rasa is up but cannot read or
write the conversation (its tracker database locked by a backup), the message is kept
(MESSENGER_OUTBOX, `var/messenger-outbox`). Either way the resident gets the fallback at once,
the message is kept on disk as the gateway's outbox keeps web messages (bot.gateway.outbox),
offered to Rasa every few seconds and before the conversation's next message, oldest first, and
Rasa's late answer goes to the resident through the Send API. Nothing is answered twice: Rasa's
channel knows a message it has (its `ref`, or its `mid`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.gateway.outbox import Kept, Outbox

log = logging.getLogger("bot.gateway.messenger")
DEFAULT_PATH = "var/messenger-outbox"
RETRY_SECONDS = 3.0
# A message Rasa keeps failing on this long (one that breaks it) is given up, so that it does not
# hold back the conversation's later messages for ever; a locked database is far shorter.
GIVE_UP_SECONDS = 600.0
# Hands one kept message to Rasa unless it has it already; raises while Rasa cannot take it.
Redeliver = Callable[[str, Kept], Awaitable[None]]


def passing(error: Exception) -> bool:
    """Rasa is out (the gateway could not reach it): the message waits, never given up."""
    return bool(getattr(error, "passing", False))


def outbox_path() -> Path:
    """`MESSENGER_OUTBOX`, or the folder under var/."""
    return Path(os.environ.get("MESSENGER_OUTBOX") or DEFAULT_PATH)


class MessengerOutbox:
    """The kept messages of every Messenger conversation, and the task that delivers them."""

    def __init__(
        self,
        outbox: Outbox,
        retry_seconds: float = RETRY_SECONDS,
        give_up_seconds: float = GIVE_UP_SECONDS,
    ) -> None:
        self.outbox = outbox
        self.retry_seconds = retry_seconds
        self.give_up_seconds = give_up_seconds
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._redeliver: Redeliver | None = None
        self._task: asyncio.Task[None] | None = None

    def keep(self, sender_id: str, kept: Kept) -> None:
        if not self.outbox.keep(sender_id, kept):
            log.error("messenger outbox full: message not kept")
        self._ensure_retrying()

    def use(self, redeliver: Redeliver) -> None:
        """How to deliver (the newest webhook call's parser); starts delivering what a restart
        left behind."""
        self._redeliver = redeliver
        if len(self.outbox):
            self._ensure_retrying()

    async def close(self) -> None:
        """Stop delivering (what is kept stays on disk for the next start)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def deliver(self, sender_id: str) -> None:
        """The conversation's kept messages to Rasa, oldest first; raises while Rasa cannot."""
        if not self.outbox.pending(sender_id) or self._redeliver is None:
            return
        async with self._locks[sender_id]:
            for kept in self.outbox.pending(sender_id):
                try:
                    await self._redeliver(sender_id, kept)
                except Exception as error:
                    if passing(error) or self.outbox.refused_for(kept) < self.give_up_seconds:
                        raise
                    log.exception("kept messenger message given up: rasa keeps failing on it")
                else:
                    log.info("kept messenger message delivered")
                self.outbox.delivered(sender_id, kept)

    def _ensure_retrying(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._retry())

    async def _retry(self) -> None:
        while len(self.outbox):
            await asyncio.sleep(self.retry_seconds)
            for sender_id in self.outbox.sessions():
                try:
                    await self.deliver(sender_id)
                except Exception:  # still out: try again later
                    log.warning("kept messenger message not delivered yet", exc_info=True)
                    break
