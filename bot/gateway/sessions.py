"""Open conversations: what was said (numbered) and who is listening.

Every message to or from a resident gets a sequence number. A widget that reconnects says the
last number it saw and receives what it missed; a social worker's message (the handoff, through
the console) reaches every open connection of the conversation without the resident writing first.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import re
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.paths import PROJECT_ROOT

Listener = Callable[[dict[str, Any]], Awaitable[None]]

WEB_PREFIX = "web:"  # Rasa's sender ids of the web chat; Messenger's are page-scoped numbers
KEY_ENV = "GATEWAY_SESSION_KEY"
KEY_FILE = PROJECT_ROOT / "var" / "gateway-session.key"
_SHAPE = re.compile(r"^web:([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{22})$")


class SessionIds:
    """Web conversation ids that only the gateway can make: `web:` + 192 random bits + a MAC.

    The id is the resident's only key to the conversation and Rasa's sender id, so a client must
    never name one itself (another resident's, a Messenger user's). A MAC with a server key is
    checked without any lookup, survives a restart and works in every gateway process that has
    the same key (`GATEWAY_SESSION_KEY`; unset, a private key file under var/ made on first use).
    `match` keeps the name of the pattern it replaces, so every caller that checked the shape
    now checks that the gateway issued the id.
    """

    def __init__(self, key: bytes | None = None, env: Mapping[str, str] | None = None) -> None:
        self._key = key
        self._env = env
        self._lock = threading.Lock()

    def _secret(self) -> bytes:
        if self._key is None:
            with self._lock:
                if self._key is None:
                    self._key = load_key(os.environ if self._env is None else self._env)
        return self._key

    def _mac(self, random_part: str) -> str:
        digest = hmac.new(self._secret(), (WEB_PREFIX + random_part).encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()[:16]).decode().rstrip("=")

    def new(self) -> str:
        """An unguessable id: whoever holds it can read the conversation."""
        random_part = secrets.token_urlsafe(24)
        return f"{WEB_PREFIX}{random_part}.{self._mac(random_part)}"

    def match(self, session: str) -> bool:
        """True only for an id this gateway (or one with the same key) issued."""
        shape = _SHAPE.match(session)
        return shape is not None and hmac.compare_digest(shape.group(2), self._mac(shape.group(1)))


def load_key(env: Mapping[str, str], path: Path = KEY_FILE) -> bytes:
    """The key from the environment, else from a file readable only by the owner (made once)."""
    if env.get(KEY_ENV):
        return env[KEY_ENV].encode()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: of two processes starting at once, one writes and both read the same
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(32))
    for _ in range(50):  # the other process may still be writing it
        key = path.read_text().strip()
        if key:
            return key.encode()
        time.sleep(0.01)
    raise RuntimeError(f"empty session key file {path}")


SESSION_ID = SessionIds()


def new_session_id() -> str:
    """A new web conversation's id (see `SessionIds`)."""
    return SESSION_ID.new()


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
