"""Messages Rasa did not get because it was down: kept in order, delivered once when it is back.

In-process, like the session hub: the gateway is one process in front of Rasa (the hub's live
connections and history are in its memory too), and the repository uses Redis only for Rasa's own
lock store in production. What a resident wrote is in the hub (and on the screen) at once; the
outbox only remembers what Rasa still has to hear. A gateway restart loses the outbox, as it
loses the hub's not-yet-delivered messages; a shared store would be needed for several gateways.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field


def new_ref() -> str:
    """A mark for one message, sent to Rasa as metadata: a resend can see whether Rasa has it."""
    return secrets.token_hex(8)


@dataclass(frozen=True)
class Kept:
    """One message for Rasa: what it gets, what staff are shown, and its mark."""

    message: str
    shown: str | None
    ref: str = field(default_factory=new_ref)


class Outbox:
    """Per conversation, the messages Rasa has not had yet, oldest first."""

    def __init__(self, per_session: int = 50, max_sessions: int = 10_000) -> None:
        self._per_session = per_session  # the rate limit (20 a minute) keeps far below this
        self._max_sessions = max_sessions
        self._kept: OrderedDict[str, deque[Kept]] = OrderedDict()
        self._refused_since: dict[str, float] = {}  # ref -> when Rasa first answered it an error

    def keep(self, session: str, kept: Kept) -> bool:
        """Remember a message; False when the outbox is full (the resident was told to call)."""
        queue = self._kept.get(session)
        if queue is None:
            if len(self._kept) >= self._max_sessions:
                return False
            queue = self._kept[session] = deque()
        if len(queue) >= self._per_session:
            return False
        queue.append(kept)
        return True

    def pending(self, session: str) -> list[Kept]:
        return list(self._kept.get(session) or ())

    def refused_for(self, kept: Kept) -> float:
        """Rasa answered this message with an error (again): for how many seconds now."""
        now = time.monotonic()
        return now - self._refused_since.setdefault(kept.ref, now)

    def delivered(self, session: str, kept: Kept) -> None:
        """Rasa has the message (or never will take it): forget it (it must be the oldest)."""
        self._refused_since.pop(kept.ref, None)
        queue = self._kept.get(session)
        if queue and queue[0] == kept:
            queue.popleft()
        if queue is not None and not queue:
            del self._kept[session]

    def sessions(self) -> list[str]:
        """Conversations with kept messages, longest waiting first."""
        return list(self._kept)

    def __len__(self) -> int:
        return sum(len(queue) for queue in self._kept.values())
