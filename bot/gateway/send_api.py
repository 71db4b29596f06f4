"""The gateway's own line to Messenger's Send API, for when Rasa cannot answer.

Rasa's channel sends the assistant's answers. The gateway sends only the fallback while Rasa is
out (bot.gateway.messenger_front), so it needs no Rasa code: one POST per message, as Meta's
Send API takes it, split to Messenger's limits by bot.gateway.messenger_format.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp

from bot.gateway.messenger_format import messenger_messages

DEFAULT_GRAPH_URL = "https://graph.facebook.com/v2.12"  # as Rasa's channel (fbmessenger) uses
log = logging.getLogger("bot.gateway.send_api")


class SendApi:
    """Texts to one Messenger user, with the page's access token."""

    def __init__(self, graph_url: str, page_token: str, timeout: float = 10.0) -> None:
        self._url = f"{graph_url.rstrip('/')}/me/messages"
        self._token = page_token
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def say(self, recipient: str, text: str) -> bool:
        """Send one answer (in as many messages as Messenger needs); False when Meta refused
        it or could not be reached (logged without the text: residents' words stay out)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        for message in messenger_messages(text):
            body = {"messaging_type": "RESPONSE", "recipient": {"id": recipient}}
            try:
                async with self._session.post(
                    self._url,
                    params={"access_token": self._token},
                    json=body | {"message": message},
                ) as response:
                    response.raise_for_status()
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                log.error("send api refused the fallback", extra={"error": type(error).__name__})
                return False
        return True

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
