"""What every incoming message must pass: readable text, a length limit, rate limits.

A refused message is not dropped silently: the caller gets how long to wait, the resident gets
that in Polish, and the widget puts the text back into the input box.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable

from bot.gateway.config import Rate
from bot.gateway.hygiene import UNREADABLE_TEXT, unreadable


class SlidingWindowLimiter:
    """At most `rate.count` events per key in any `rate.seconds`; remembers `max_keys` keys."""

    def __init__(
        self, rate: Rate, max_keys: int = 50_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self._max_keys = max_keys
        self._clock = clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()

    def retry_after(self, key: str) -> float:
        """0 and the event counted when allowed; otherwise the seconds until it would be."""
        now = self._clock()
        events = self._events.pop(key, None) or deque()
        while events and now - events[0] >= self.rate.seconds:
            events.popleft()
        self._events[key] = events  # most recently used last
        while len(self._events) > self._max_keys:
            self._events.popitem(last=False)
        if len(events) >= self.rate.count:
            return max(0.1, self.rate.seconds - (now - events[0]))
        events.append(now)
        return 0.0


class Limits:
    """The checks every incoming message passes, in order: readable, length, session, IP rate.

    The button payload is checked like the text: both reach Rasa's tracker and the hub.
    """

    def __init__(self, max_chars: int, session_rate: Rate, ip_rate: Rate) -> None:
        self.max_chars = max_chars
        self._sessions = SlidingWindowLimiter(session_rate)
        self._ips = SlidingWindowLimiter(ip_rate)

    def refusal(
        self, session: str, ip: str, text: str, payload: str | None = None
    ) -> dict[str, object] | None:
        """None when the message may go on; otherwise why not, for the resident."""
        if unreadable(text) or (payload is not None and unreadable(payload)):
            return {"reason": "unreadable", "text": UNREADABLE_TEXT}
        if not text.strip():
            return {"reason": "empty", "text": "Proszę wpisać wiadomość."}
        longest = max(len(text), len(payload or ""))
        if longest > self.max_chars:
            return {
                "reason": "too_long",
                "text": (
                    f"Wiadomość jest za długa ({longest} znaków, można wysłać do "
                    f"{self.max_chars}). Proszę ją skrócić lub podzielić na części."
                ),
            }
        wait = self._sessions.retry_after(session) or self._ips.retry_after(ip)
        if wait:
            return {
                "reason": "rate_limited",
                "retry_after": round(wait, 1),
                "text": (
                    "Wysłano zbyt wiele wiadomości w krótkim czasie. Proszę odczekać około "
                    f"{max(1, round(wait))} s i wysłać wiadomość ponownie – jej treść została "
                    "w polu wpisywania."
                ),
            }
        return None
