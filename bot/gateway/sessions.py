"""Open conversations: what was said (numbered) and who is listening.

Every message to or from a resident gets a sequence number. A widget that reconnects says the
last number it saw and receives what it missed; a social worker's message (the handoff, through
the console) reaches every open connection of the conversation without the resident writing first.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
Listener = Callable[[dict[str, Any]], Awaitable[None]]


def new_session_id() -> str:
    """An unguessable id: whoever holds it can read the conversation."""
    return secrets.token_urlsafe(24)


@dataclass
class Conversation:
    """One resident's conversation as the gateway knows it."""

    history: deque[dict[str, Any]]
    listeners: set[Listener] = field(default_factory=set)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one message at a time, in order
    next_seq: int = 1
    loaded: bool = False  # history already rebuilt from Rasa (or nothing to rebuild)


class SessionHub:
    """All conversations this gateway process knows, least recently used forgotten first."""

    def __init__(self, history_limit: int, max_sessions: int) -> None:
        self._history_limit = history_limit
        self._max_sessions = max_sessions
        self._conversations: OrderedDict[str, Conversation] = OrderedDict()

    def get(self, session: str) -> Conversation:
        conversation = self._conversations.pop(session, None)
        if conversation is None:
            conversation = Conversation(deque(maxlen=self._history_limit))
        self._conversations[session] = conversation
        self._forget_idle()
        return conversation

    def _forget_idle(self) -> None:
        if len(self._conversations) <= self._max_sessions:
            return
        for session in list(self._conversations):
            if len(self._conversations) <= self._max_sessions:
                break
            if not self._conversations[session].listeners:
                del self._conversations[session]

    def seed(self, session: str, said: list[dict[str, Any]]) -> None:
        """History rebuilt from Rasa's tracker, numbered as if the gateway had seen it."""
        conversation = self.get(session)
        if conversation.loaded or conversation.history:
            conversation.loaded = True
            return
        for entry in said:
            self._append(conversation, entry)
        conversation.loaded = True

    def _append(self, conversation: Conversation, entry: dict[str, Any]) -> dict[str, Any]:
        message = {**entry, "seq": conversation.next_seq, "time": time.time()}
        conversation.next_seq += 1
        conversation.history.append(message)
        return message

    async def publish(self, session: str, entry: dict[str, Any]) -> dict[str, Any]:
        """Record a message and send it to every open connection of the conversation."""
        conversation = self.get(session)
        message = self._append(conversation, entry)
        await self.broadcast(session, {"type": "message", **message})
        return message

    async def broadcast(self, session: str, event: dict[str, Any]) -> None:
        """Send an event (message, typing) to every open connection; drop broken ones."""
        for listener in list(self.get(session).listeners):
            try:
                await listener(event)
            except Exception:  # a closed socket must not stop the others
                self.get(session).listeners.discard(listener)

    def since(self, session: str, after: int) -> list[dict[str, Any]]:
        """The messages with a sequence number above `after`."""
        return [m for m in self.get(session).history if m["seq"] > after]
