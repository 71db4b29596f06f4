"""`python -m bot.action_server`: Rasa's action server, on loopback and only for Rasa.

`rasa run actions` (rasa-sdk 3.6) listens on every interface and runs any action for anyone who can
reach it: a forged `POST /webhook` could open tickets, add call-backs or cancel a worker's ticket.
This launcher serves the same rasa-sdk application (`rasa_sdk.endpoint.create_app`) with two
differences:

- it listens on `ACTIONS_HOST` (default 127.0.0.1);
- every request except `/health` must carry `Authorization: Bearer <ACTIONS_TOKEN>`, which Rasa
  sends because `endpoints.yml` lists it under `action_endpoint.headers` (Rasa 3.6's
  `EndpointConfig` adds those headers to each call). Other requests get 401 and run nothing.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os

from rasa_sdk import utils
from rasa_sdk.constants import DEFAULT_SERVER_PORT
from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.deployment import ACTION_SERVER_SECRETS, refuse_development_secrets

DEFAULT_TOKEN = "dev-actions-token"  # what the Makefile, scripts/run.sh and the tests set
OPEN_PATHS = frozenset({"/health"})  # liveness only: says nothing and runs nothing
log = logging.getLogger("bot.action_server")


def authorized(header: str | None, token: str) -> bool:
    """Whether `header` is exactly `Bearer <token>`, compared in constant time."""
    expected = f"Bearer {token}".encode()
    return bool(token) and hmac.compare_digest((header or "").encode(), expected)


def create_app(token: str, actions: str = "actions") -> Sanic:
    """rasa-sdk's application with the token check in front of every route but `/health`."""
    if not token:
        raise ValueError("ACTIONS_TOKEN is empty: the action server would run actions for anyone")
    # No CORS origins: browsers have no business here, only Rasa does.
    app = create_sdk_app(actions, cors_origins="")

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or authorized(request.headers.get("authorization"), token):
            return None
        log.warning(
            "refused a call without the action server's token", extra={"path": request.path}
        )
        return response.json({"error": "unauthorized"}, status=401)

    return app


def main(argv: list[str] | None = None) -> None:
    """Parse the few options `rasa run actions` had, check production's secrets, serve."""
    parser = argparse.ArgumentParser(prog="python -m bot.action_server")
    parser.add_argument("--host", default=os.environ.get("ACTIONS_HOST", "127.0.0.1"))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("ACTIONS_PORT", DEFAULT_SERVER_PORT))
    )
    parser.add_argument("--actions", default="actions", help="package with the actions")
    args = parser.parse_args(argv)

    refuse_development_secrets("Serwer akcji", ACTION_SERVER_SECRETS)
    os.umask(0o077)  # files it creates (the console's SQLite database) are this user's only
    utils.configure_colored_logging(os.environ.get("LOG_LEVEL", "INFO"))
    utils.update_sanic_log_level()
    app = create_app(os.environ.get("ACTIONS_TOKEN", DEFAULT_TOKEN), args.actions)
    log.info("action server on http://%s:%s (token required)", args.host, args.port)
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers(), motd=False)


if __name__ == "__main__":
    main()
