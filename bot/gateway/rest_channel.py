"""Rasa's REST channel (`/webhooks/rest/webhook`), telling the gateway when a message failed.

Rasa's own channel answers `[]` with HTTP 200 whatever went wrong, so the gateway had to ask
Rasa's tracker whether a message was stored, and that second call waited out the database's busy
timeout again while Rasa's event loop served no one else. Here a message that could not be read or
stored (the tracker database locked or unreachable, the lock store out) gets 503, and a message
that broke Rasa in another way 500: the gateway answers with its fallback and keeps the message at
once (bot/gateway/chat.py). An empty list stays what it was: Rasa handled the message and had
nothing to say (a failed custom action, or a paused conversation).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.lock_store import LockError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import InterfaceError, OperationalError

from bot.gateway.rasa_client import NOT_HANDLED, NOT_STORED

log = logging.getLogger("bot.gateway.rest_channel")
# Failures of the stores that pass: the same message goes through once they are back.
STORE_ERRORS = (
    OperationalError,
    InterfaceError,
    LockError,
    RedisConnectionError,
    RedisTimeoutError,
)


class RestInput(InputChannel):
    """`rest` in credentials.yml: the same request and answer as Rasa's, with error statuses."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("mops_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.json if isinstance(request.json, dict) else {}
            collector = CollectingOutputChannel()
            message = UserMessage(
                body.get("message"),
                collector,
                body.get("sender"),
                input_channel=self.name(),
                metadata=body.get("metadata"),
            )
            try:
                await on_new_message(message)
            except STORE_ERRORS as error:  # the text stays out of the log (bot/rasa_server.py)
                log.error("message not stored: %s", type(error).__name__)
                return response.json({"error": "conversation store unavailable"}, NOT_STORED)
            except Exception as error:
                trace = "".join(traceback.format_tb(error.__traceback__))  # code lines, no values
                log.error("message not handled: %s\n%s", type(error).__name__, trace)
                return response.json({"error": "message not handled"}, NOT_HANDLED)
            return response.json(collector.messages)

        return webhook
