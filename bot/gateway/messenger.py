"""Rasa's Facebook Messenger channel, adapted: limits of the Send API and strict signatures.

Used by Rasa (credentials.yml → `bot.gateway.messenger.MessengerInput`). Meta's calls reach it
through the gateway (bot.gateway.messenger_front), which answers on its own while Rasa is down.
Differences from Rasa's own `facebook` channel:
- answers go through `messenger_format` (3 template buttons, 13 quick replies, long text split);
- a POST without a valid `X-Hub-Signature-256` (or the older `X-Hub-Signature`) gets 403 and no
  answer, where Rasa's channel answers 200 "not validated";
- every message of a batched webhook call is handled, not only the first;
- a re-delivery (same `mid`) or a stale one is not answered again (bot.gateway.messenger_dedup);
- never silent: when handling a message sends nothing (the action server is down) or fails, the
  resident gets the fallback (crisis numbers first for a crisis message, then the apology with the
  information point; bot.gateway.fallback), unless a worker has the conversation;
- nothing lost: a message Rasa could not store (its tracker database locked) is kept and handed
  to Rasa again, in order and once, and its late answer sent (bot.gateway.messenger_outbox);
- input hygiene as in the web chat (bot.gateway.hygiene): unreadable text gets a polite answer and
  never reaches Rasa; typed text never forces an intent ("/restart" is plain text, the tracker
  keeps what was typed as `shown`); a quick-reply or postback payload is taken only when the
  assistant offered it in this conversation;
- the Graph API address can be moved with FACEBOOK_GRAPH_URL (tests point it at a local server).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from fbmessenger import MessengerClient
from rasa.core.agent import Agent
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput, Messenger, MessengerBot
from rasa.shared.core.events import BotUttered, ConversationResumed, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.gateway.fallback import Fallback
from bot.gateway.hygiene import UNREADABLE_TEXT, neutralised, unreadable
from bot.gateway.messenger_dedup import Deliveries, max_age_seconds, seen_ids_for
from bot.gateway.messenger_format import messenger_messages
from bot.gateway.messenger_outbox import MessengerOutbox, outbox_path
from bot.gateway.messenger_signature import handshake_answer, signature_valid
from bot.gateway.outbox import Kept, Outbox
from bot.gateway.send_api import DEFAULT_GRAPH_URL
from bot.handoff.desk import CANCEL_INTENT, LEAVE_CONTACT_INTENT, HandoffDesk
from bot.handoff.turn import take_turn
from bot.messages import Messages

MAX_TEXT_CHARS = 2000  # Messenger's own limit for a message's text; more is not from Messenger
TOO_LONG_TEXT = "Wiadomość jest za długa. Proszę ją skrócić lub podzielić na części."
EMPTY_TEXT = "Proszę wpisać wiadomość."
log = logging.getLogger("bot.gateway.messenger")
HANDOFF_PAYLOADS = {f"/{intent}" for intent in (CANCEL_INTENT, LEAVE_CONTACT_INTENT)}


def graph_client(page_access_token: str) -> MessengerClient:
    """The Send API client, at FACEBOOK_GRAPH_URL when that is set."""
    client = MessengerClient(page_access_token)
    client.graph_url = os.environ.get("FACEBOOK_GRAPH_URL", DEFAULT_GRAPH_URL).rstrip("/")
    return client


class FormattedMessengerBot(MessengerBot):
    """Sends what Messenger accepts (see `messenger_format`), and counts what it sent."""

    sent = 0  # messages sent by this output channel (one per handled webhook message)

    def _send_all(self, recipient_id: str, text: str, buttons: list[dict[str, Any]]) -> None:
        for message in messenger_messages(text, buttons):
            self.messenger_client.send(message, recipient_id, "RESPONSE")
            self.sent += 1

    async def send_text_message(self, recipient_id: str, text: str, **_kwargs: Any) -> None:
        self._send_all(recipient_id, text, [])

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **_kwargs: Any
    ) -> None:
        self._send_all(recipient_id, text, buttons)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **_kwargs: Any
    ) -> None:
        self._send_all(recipient_id, text, quick_replies)


async def resume_if_paused(agent: Agent, sender_id: str) -> bool:
    """Rasa's `resume` event, added under the conversation's lock (as Rasa's API does);
    True when the conversation was paused."""
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.processor.get_tracker(sender_id)
        if not tracker.is_paused():
            return False
        tracker.update(ConversationResumed())
        await agent.processor.save_tracker(tracker)
        return True


class _Messenger(Messenger):
    """Rasa's webhook parser with our output channel, every message of a batch, and handoff.

    A handed-over conversation is paused, so Rasa says nothing: this parser resumes it for the
    "back to the assistant" and "leave a contact" buttons (or when no ticket is open any more)
    and tells a waiting resident their place in the queue, as the web chat's gateway does.
    """

    def __init__(
        self,
        page_access_token: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        agent: Agent,
        desk: HandoffDesk,
        deliveries: Deliveries,
        outbox: MessengerOutbox,
    ) -> None:
        super().__init__(page_access_token, on_new_message)
        self.client = graph_client(page_access_token)
        self.agent = agent
        self.desk = desk
        self.deliveries = deliveries
        self.outbox = outbox
        self.messages = Messages.load()

    async def handle(self, payload: dict, metadata: dict[str, Any] | None) -> None:
        for entry in payload.get("entry") or []:
            for message in entry.get("messaging") or []:
                if not await self.deliveries.take(message):
                    continue  # answered already, or too old to answer
                self.last_message = message
                if message.get("message"):
                    await self.message(message, metadata)
                elif message.get("postback"):
                    await self.postback(message, metadata)

    async def message(self, message: dict[str, Any], metadata: dict[str, Any] | None) -> None:
        """Typed text or a tapped quick reply; attachments as Rasa's channel handles them."""
        body = message.get("message") or {}
        quick = (body.get("quick_reply") or {}).get("payload")
        typed = body.get("text")
        if body.get("is_echo") or (not isinstance(typed, str) and not quick):
            await super().message(message, metadata)
            return
        await self._resident_wrote(typed if isinstance(typed, str) else "", quick, metadata)

    async def postback(self, message: dict[str, Any], metadata: dict[str, Any] | None) -> None:
        """A template button: its payload, shown as its title."""
        postback = message.get("postback") or {}
        title = postback.get("title")
        await self._resident_wrote(
            title if isinstance(title, str) else "", postback.get("payload"), metadata
        )

    async def _resident_wrote(
        self, text: str, payload: Any, metadata: dict[str, Any] | None
    ) -> None:
        """Input hygiene, then the message to Rasa: an offered payload, or the text as typed."""
        sender_id = self.get_user_id()
        payload = payload if isinstance(payload, str) and payload else None
        if unreadable(text) or (payload and unreadable(payload)):
            await self._say(sender_id, UNREADABLE_TEXT)
            return
        if len(text) > MAX_TEXT_CHARS or len(payload or "") > MAX_TEXT_CHARS:
            await self._say(sender_id, TOO_LONG_TEXT)
            return
        if payload and payload in await self._offered_or_none(sender_id):
            message, shown = payload, text or None
        elif text.strip():
            message = neutralised(text)
            shown = text if message != text else None
        else:  # no words (or a payload nobody offered, without its title)
            await self._say(sender_id, EMPTY_TEXT)
            return
        if shown:
            metadata = {**(metadata or {}), "shown": shown}
        await self._handle_user_message(message, sender_id, metadata, said=text or message)

    async def _offered_or_none(self, sender_id: str) -> set[str]:
        """The offered payloads; none while the conversation cannot be read (its database
        locked): the tapped button's title is then taken as typed, and kept like any text."""
        try:
            return await self._offered(sender_id)
        except Exception:
            log.warning("offered buttons not read: the title is taken as typed", exc_info=True)
            return set()

    async def _offered(self, sender_id: str) -> set[str]:
        """The payloads of every button the assistant showed in this conversation.

        The handoff's own buttons (back to the assistant, leave a contact) this channel sends
        itself while the resident waits, outside the tracker: they are always offered.
        """
        tracker = await self.agent.processor.get_tracker(sender_id)
        return HANDOFF_PAYLOADS | {
            str(button.get("payload"))
            for event in tracker.events
            if isinstance(event, BotUttered)
            for button in (event.data or {}).get("buttons") or []
            if isinstance(button, dict)
        }

    async def _say(self, sender_id: str, text: str) -> None:
        await FormattedMessengerBot(self.client).send_text_message(sender_id, text)

    async def _handle_user_message(
        self,
        text: str,
        sender_id: str,
        metadata: dict[str, Any] | None,
        said: str | None = None,
    ) -> None:
        """One message to Rasa, minding a handed-over conversation; never without an answer.

        `said` is what the resident wrote (for the crisis check of the fallback).
        """
        out_channel = FormattedMessengerBot(self.client)
        await out_channel.send_action(sender_id, sender_action="mark_seen")
        await out_channel.send_action(sender_id, sender_action="typing_on")
        kept = Kept(text, (metadata or {}).get("shown"))
        rasa = _AgentTurn(self, out_channel, sender_id, {**(metadata or {}), "ref": kept.ref})
        try:
            await self.outbox.deliver(sender_id)  # what Rasa could not take before comes first
            # The desk's database may be locked: the policy reads it off Rasa's event loop.
            turn = await take_turn(self.desk, sender_id, text, rasa)
            if turn.waiting:
                rendered = self.messages.render(turn.waiting)
                await out_channel.send_text_with_buttons(sender_id, rendered.text, rendered.buttons)
            if not turn.handed_over and not out_channel.sent:
                log.warning("no answer: fallback sent")  # a custom action failed: actions down
                await self._fallback(out_channel, sender_id, said or text)
        except Exception:
            log.exception("message not handled: fallback sent")
            if not out_channel.sent:
                if not await self._stored(sender_id, kept.ref):
                    self.outbox.keep(sender_id, kept)
                await self._fallback(out_channel, sender_id, said or text)
        finally:
            await out_channel.send_action(sender_id, sender_action="typing_off")

    async def redeliver(self, sender_id: str, kept: Kept) -> None:
        """A kept message to Rasa, unless it has it; its answer goes to the resident now."""
        if await self._stored(sender_id, kept.ref):
            return
        metadata = {"ref": kept.ref, **({"shown": kept.shown} if kept.shown else {})}
        out_channel = FormattedMessengerBot(self.client)
        await take_turn(
            self.desk, sender_id, kept.message, _AgentTurn(self, out_channel, sender_id, metadata)
        )

    async def _stored(self, sender_id: str, ref: str) -> bool:
        """Whether Rasa's tracker holds the message marked `ref` (False while it cannot say)."""
        try:
            tracker = await self.agent.processor.get_tracker(sender_id)
        except Exception:
            return False
        return any(
            isinstance(event, UserUttered) and (event.metadata or {}).get("ref") == ref
            for event in tracker.events
        )

    @staticmethod
    async def _fallback(out_channel: FormattedMessengerBot, sender_id: str, said: str) -> None:
        """Crisis numbers first for a crisis message, then the apology with the contacts."""
        for reply in Fallback.load().replies(said):
            await out_channel.send_text_message(sender_id, reply["text"])


class _AgentTurn:
    """Messenger's side of the turn policy: Rasa's agent in this process, and what was sent."""

    def __init__(
        self,
        messenger: _Messenger,
        out_channel: FormattedMessengerBot,
        sender_id: str,
        metadata: dict[str, Any] | None,
    ) -> None:
        self.messenger = messenger
        self.out_channel = out_channel
        self.sender_id = sender_id
        self.metadata = metadata

    async def send(self, message: str) -> bool:
        await self.messenger.on_new_message(
            UserMessage(
                message,
                self.out_channel,
                self.sender_id,
                input_channel="facebook",
                metadata=self.metadata,
            )
        )
        return bool(self.out_channel.sent)

    async def resume(self) -> None:
        await resume_if_paused(self.messenger.agent, self.sender_id)

    async def paused(self) -> bool:
        tracker = await self.messenger.agent.processor.get_tracker(self.sender_id)
        return tracker.is_paused()


class MessengerInput(FacebookInput):
    """The `facebook` channel (webhook /webhooks/facebook/webhook) with the changes above."""

    @classmethod
    def name(cls) -> str:
        return "facebook"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("mops_fb_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            """Meta's subscription handshake: echo the challenge for the right verify token."""
            answer = handshake_answer(
                request.args.get("hub.mode") or "",
                request.args.get("hub.verify_token") or "",
                self.fb_verify or "",
                request.args.get("hub.challenge") or "",
            )
            if answer is None:
                return response.text("invalid verify token", status=403)
            return response.text(answer)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.fb_secret or not signature_valid(
                self.fb_secret, request.body, request.headers
            ):
                return response.text("invalid signature", status=403)
            agent = request.app.ctx.agent
            outbox = self._outbox()
            messenger = _Messenger(
                self.fb_access_token,
                on_new_message,
                agent,
                self._desk(),
                self._deliveries(agent),
                outbox,
            )
            outbox.use(messenger.redeliver)
            await messenger.handle(request.json or {}, self.get_metadata(request))
            return response.text("success")

        return webhook

    def _desk(self) -> HandoffDesk:
        """The console's database, opened on the first message (not when Rasa starts)."""
        if getattr(self, "_handoff_desk", None) is None:
            self._handoff_desk = HandoffDesk.from_env()
        return self._handoff_desk

    def _deliveries(self, agent: Agent) -> Deliveries:
        """One memory of seen message ids for this Rasa (in Redis when its lock store is)."""
        if getattr(self, "_seen_deliveries", None) is None:
            seen = seen_ids_for(agent.lock_store)
            self._seen_deliveries = Deliveries(seen, max_age_seconds())
        return self._seen_deliveries

    def _outbox(self) -> MessengerOutbox:
        """One outbox for this Rasa, read back from disk on the first message."""
        if getattr(self, "_messenger_outbox", None) is None:
            self._messenger_outbox = MessengerOutbox(Outbox(path=outbox_path()))
        return self._messenger_outbox

    def get_output_channel(self) -> OutputChannel:
        return FormattedMessengerBot(graph_client(self.fb_access_token))
