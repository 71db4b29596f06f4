"""Messenger's webhook, received by the gateway: answered even while Rasa is out.

Meta calls `/webhooks/facebook/webhook` on the public host. Rasa's channel (bot.gateway.messenger)
answers the residents, but when Rasa itself is down, nothing in it can: so the gateway takes the
call first. It checks Meta's signature, then hands each event on to Rasa's channel on loopback,
signed again with the same app secret, one event per call so that each resident's messages go
in order whatever else the batch held.

When Rasa cannot be reached (or fails), every message a resident wrote gets the fallback at once
through the Send API (crisis numbers first for a crisis message; bot.gateway.fallback) and is
kept (bot.gateway.messenger_outbox, on disk): handed to Rasa when it is back, before that
resident's next message, oldest first, and Rasa's channel answers it then. Meta gets its 200
either way, so it does not deliver the call again; a message Rasa had already taken (it only
timed out) is not answered twice, because Rasa's channel knows its `mid`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from bot.gateway.config import MessengerKeys
from bot.gateway.fallback import Fallback
from bot.gateway.messenger_outbox import MessengerOutbox
from bot.gateway.messenger_signature import handshake_answer, signature_valid, signed_headers
from bot.gateway.outbox import Kept
from bot.gateway.rasa_client import MESSENGER_WEBHOOK as WEBHOOK
from bot.gateway.rasa_client import RasaClient, RasaUnavailable
from bot.gateway.send_api import SendApi

log = logging.getLogger("bot.gateway.messenger_front")
MessagingEvent = dict[str, Any]


def events(payload: Any) -> Iterator[tuple[dict[str, Any], MessagingEvent]]:
    """(entry, event) for every messaging event of a webhook call, in Meta's order."""
    entries = payload.get("entry") if isinstance(payload, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        messaging = entry.get("messaging") if isinstance(entry, dict) else None
        for event in messaging if isinstance(messaging, list) else []:
            if isinstance(event, dict):
                yield entry, event


def sender_of(event: MessagingEvent) -> str:
    sender = event.get("sender")
    return str(sender.get("id") or "") if isinstance(sender, dict) else ""


def said(event: MessagingEvent) -> str | None:
    """What a resident wrote or tapped (text, quick reply or button title); None for what no
    resident wrote (delivery and read receipts, the page's own echoes)."""
    message, postback = event.get("message"), event.get("postback")
    if isinstance(message, dict) and not message.get("is_echo"):
        return str(message.get("text") or "")
    if isinstance(postback, dict):
        return str(postback.get("title") or postback.get("payload") or "")
    return None


class MessengerFront:
    """The webhook's entrance in the gateway, with its outbox for Rasa's outages."""

    def __init__(
        self,
        keys: MessengerKeys,
        rasa: RasaClient,
        outbox: MessengerOutbox,
        fallback: Fallback | None = None,
    ) -> None:
        self.keys = keys
        self.rasa = rasa
        self.outbox = outbox
        self.send_api = SendApi(keys.graph_url, keys.page_token)
        self.fallback = fallback or Fallback.load()
        # A resident's lock lives while a call of theirs holds it, not for ever.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def resume(self) -> None:
        """Hand on what was kept before a restart (called once the event loop runs)."""
        self.outbox.use(self._hand_on)

    async def close(self) -> None:
        await self.outbox.close()
        await self.send_api.close()

    def signed(self, body: bytes, headers: Any) -> bool:
        return bool(self.keys.app_secret) and signature_valid(self.keys.app_secret, body, headers)

    async def receive(self, body: bytes) -> None:
        """A signed webhook call: each event to Rasa, or the fallback and the outbox."""
        try:
            payload = json.loads(body)
        except ValueError:
            log.warning("messenger webhook body is not json: ignored")
            return
        for entry, event in events(payload):
            sender = sender_of(event)
            alone = {key: value for key, value in entry.items() if key != "messaging"}
            alone["messaging"] = [event]
            # The webhook call Rasa gets, kept as it is. ASCII escapes: an unpaired surrogate
            # stays valid JSON for Rasa's channel to refuse.
            kept = Kept(json.dumps({"object": "page", "entry": [alone]}), None)
            lock = self._locks.setdefault(sender, asyncio.Lock())  # one at a time per resident
            async with lock:
                try:
                    await self.outbox.deliver(sender)  # what Rasa missed before comes first
                    await self._hand_on(sender, kept)
                except RasaUnavailable as error:
                    await self._answer_and_keep(sender, event, kept, error)

    async def _hand_on(self, _sender: str, kept: Kept) -> None:
        """One event, alone in a webhook call signed as Meta signs, to Rasa's channel."""
        body = kept.message.encode()
        await self.rasa.forward_messenger(body, signed_headers(self.keys.app_secret, body))

    async def _answer_and_keep(
        self, sender: str, event: MessagingEvent, kept: Kept, error: RasaUnavailable
    ) -> None:
        text = said(event)
        if text is None or not sender:
            return  # a receipt or an echo: nobody waits for an answer to it
        log.warning(
            "rasa did not take a messenger message: fallback sent, message kept",
            extra={"status": error.status},
        )
        self.outbox.keep(sender, kept)
        for reply in self.fallback.replies(text):
            await self.send_api.say(sender, reply["text"])


def messenger_router(front: MessengerFront) -> APIRouter:
    """`/webhooks/facebook/webhook`: Meta's handshake (GET) and its signed calls (POST)."""
    router = APIRouter()

    @router.get(WEBHOOK, include_in_schema=False)
    async def verify(request: Request) -> PlainTextResponse:
        args = request.query_params
        challenge = handshake_answer(
            args.get("hub.mode", ""),
            args.get("hub.verify_token", ""),
            front.keys.verify_token,
            args.get("hub.challenge", ""),
        )
        if challenge is None:
            return PlainTextResponse("invalid verify token", status_code=403)
        return PlainTextResponse(challenge)

    @router.post(WEBHOOK, include_in_schema=False)
    async def receive(request: Request) -> PlainTextResponse:
        body = await request.body()
        if not front.signed(body, request.headers):
            return PlainTextResponse("invalid signature", status_code=403)
        await front.receive(body)
        return PlainTextResponse("success")

    return router
