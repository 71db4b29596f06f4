"""Talking to Rasa: the REST channel for messages, the token-protected HTTP API for the rest.

Rasa's API stays on 127.0.0.1; only the gateway reaches it, always with the token. aiohttp (which
Rasa itself brings) rather than httpx: under 20 concurrent chats httpx's pool added a long tail.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

Button = dict[str, str]
# Rasa's REST channel (bot/gateway/rest_channel.py): the conversation could not be read or stored
# (its database locked or out), or the message broke Rasa in another way.
NOT_STORED = 503
NOT_HANDLED = 500
MESSENGER_WEBHOOK = "/webhooks/facebook/webhook"  # Rasa's Messenger channel (credentials.yml)


class RasaUnavailable(Exception):
    """Rasa could not be reached or answered with an error: the resident gets the fallback.

    `status` is Rasa's HTTP status when it answered (with an error), None when it did not answer.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def passing(self) -> bool:
        """Rasa is out, or cannot store conversations now (503 from bot.gateway.rest_channel):
        the message goes through once it is back. Otherwise Rasa refused this message."""
        return self.status is None or self.status == NOT_STORED


def bot_message(raw: dict[str, Any]) -> dict[str, Any]:
    """A Rasa reply reduced to what the widget shows: plain text and quick-reply buttons."""
    text = str(raw.get("text") or "")
    if raw.get("image"):
        text = f"{text}\n{raw['image']}".strip()
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", b.get("title", "")))}
        for b in raw.get("buttons") or []
        if isinstance(b, dict) and b.get("title")
    ]
    return {"text": text, "buttons": buttons}


class RasaClient:
    """One pooled HTTP session for every conversation, opened on first use."""

    def __init__(self, base_url: str, token: str, timeout: float) -> None:
        self._base = base_url.rstrip("/")
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout, connect=3.0)
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=100)
            self._session = aiohttp.ClientSession(timeout=self._timeout, connector=connector)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    @contextlib.asynccontextmanager
    async def _call(
        self, method: str, path: str, **kwargs: Any
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """One request to Rasa; any failure, reading the answer included, is RasaUnavailable."""
        try:
            async with self._http().request(method, self._base + path, **kwargs) as response:
                response.raise_for_status()
                yield response
        except aiohttp.ClientResponseError as error:
            raise RasaUnavailable(str(error), error.status) from error
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise RasaUnavailable(str(error) or type(error).__name__) from error

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        async with self._call(method, path, **kwargs) as response:
            return await response.json(content_type=None)

    async def send(
        self, sender: str, text: str, shown: str | None = None, ref: str | None = None
    ) -> list[dict[str, Any]]:
        """The assistant's replies to one message; `shown` is what the resident saw or typed.

        `shown` (a clicked button's title, or typed text Rasa gets neutralised) goes to the
        tracker as metadata, so a history rebuilt from Rasa and the staff console show what the
        resident clicked or typed. `ref` marks the message, so that a resend after a timeout can
        tell whether Rasa already has it (`answer_to`).
        """
        body: dict[str, Any] = {"sender": sender, "message": text}
        metadata = {"shown": shown} if shown else {}
        if ref:
            metadata["ref"] = ref
        if metadata:
            body["metadata"] = metadata
        replies = await self._json("POST", "/webhooks/rest/webhook", json=body)
        if not isinstance(replies, list):
            raise RasaUnavailable(f"unexpected reply {type(replies).__name__}")
        return [bot_message(r) for r in replies if isinstance(r, dict)]

    async def forward_messenger(self, body: bytes, headers: dict[str, str]) -> None:
        """A signed Messenger webhook call to Rasa's channel; raises unless Rasa took it."""
        async with self._call("POST", MESSENGER_WEBHOOK, data=body, headers=headers):
            pass

    async def ready(self) -> bool:
        """True when Rasa answers its (token-protected) status with a loaded model."""
        try:
            status = await self._json(
                "GET", "/status", params={"token": self._token}, timeout=aiohttp.ClientTimeout(5)
            )
        except RasaUnavailable:
            return False
        return isinstance(status, dict) and bool(status.get("model_id"))

    async def _said(self, sender: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """A conversation's messages from Rasa's tracker: (what the widget shows, the event)."""
        tracker = await self._json(
            "GET", f"/conversations/{sender}/tracker", params={"token": self._token}
        )
        said = []
        for event in (tracker or {}).get("events") or []:
            if event.get("event") == "user" and event.get("text"):
                shown = (event.get("metadata") or {}).get("shown") or event["text"]
                said.append(({"role": "user", "text": str(shown), "buttons": []}, event))
            elif event.get("event") == "bot" and (event.get("text") or event.get("data")):
                data = event.get("data") or {}
                message = {"role": "bot", **bot_message({**data, "text": event.get("text")})}
                author = (event.get("metadata") or {}).get("author")
                said.append(({**message, "author": str(author)} if author else message, event))
        return said

    async def history(self, sender: str) -> list[dict[str, Any]]:
        """What was said in a conversation, from Rasa's tracker (after a gateway restart)."""
        return [message for message, _event in await self._said(sender)]

    async def answer_to(self, sender: str, ref: str) -> list[dict[str, Any]] | None:
        """Rasa's replies to the user message sent with `ref`; None when Rasa does not have it."""
        said = await self._said(sender)
        for at, (_message, event) in enumerate(said):
            if event.get("event") == "user" and (event.get("metadata") or {}).get("ref") == ref:
                replies = []
                for message, _later in said[at + 1 :]:
                    if message["role"] != "bot":
                        break
                    if "author" not in message:  # a worker's message reached the chat already
                        replies.append({k: v for k, v in message.items() if k != "role"})
                return replies
        return None

    async def append_events(
        self, sender: str, events: list[dict[str, Any]], deliver: bool = False
    ) -> None:
        """Record events in a conversation (Rasa's own `pause`, `resume`, `bot` events).

        With `deliver`, Rasa also sends the bot messages through the conversation's latest input
        channel (Messenger's Send API); the web chat's messages the gateway delivers itself.
        """
        params = {"token": self._token}
        if deliver:
            params |= {"output_channel": "latest", "execute_side_effects": "true"}
        await self._json(
            "POST", f"/conversations/{sender}/tracker/events", params=params, json=events
        )

    async def paused(self, sender: str) -> bool:
        """Whether Rasa has paused the conversation (a worker has it, or should have)."""
        tracker = await self._json(
            "GET",
            f"/conversations/{sender}/tracker",
            params={"token": self._token, "include_events": "NONE"},
        )
        return bool((tracker or {}).get("paused"))
