"""Messenger messages Rasa could not take: kept in order, handed to Rasa again until it has them.

Rasa runs the Messenger channel itself. When Rasa is down, the webhook fails and Meta delivers
the message again later. When Rasa is up but cannot read or write the conversation (its tracker
database locked by a backup), the resident gets the fallback at once (bot.gateway.messenger) and
the message is kept here: on disk as the gateway's outbox keeps web messages
(bot.gateway.outbox; MESSENGER_OUTBOX, `var/messenger-outbox`), offered to Rasa every few
seconds and before the conversation's next message, oldest first, and Rasa's late answer goes
to the resident through the Send API. A message Rasa already has is not sent twice (its `ref`).
"""

from __future__ import annotations

import asyncio
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

    async def deliver(self, sender_id: str) -> None:
        """The conversation's kept messages to Rasa, oldest first; raises while Rasa cannot."""
        if not self.outbox.pending(sender_id) or self._redeliver is None:
            return
        async with self._locks[sender_id]:
            for kept in self.outbox.pending(sender_id):
                try:
                    await self._redeliver(sender_id, kept)
                except Exception:
                    if self.outbox.refused_for(kept) < self.give_up_seconds:
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
