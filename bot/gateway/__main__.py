"""`python -m bot.gateway`: serve the gateway with uvicorn (GATEWAY_HOST, GATEWAY_PORT)."""

from __future__ import annotations

import os

import uvicorn

from bot.app import create_app
from bot.deployment import GATEWAY_SECRETS, refuse_development_secrets
from bot.gateway import logs
from bot.gateway.config import Settings


def main() -> None:
    """Listen on 127.0.0.1:8000 by default: production puts a TLS reverse proxy in front, and
    GATEWAY_HOST=0.0.0.0 opens it where the proxy runs elsewhere. Rasa is never public."""
    refuse_development_secrets("Bramka czatu i konsola", GATEWAY_SECRETS)
    os.umask(0o077)  # files it creates (the console's SQLite database) are this user's only
    logs.configure(os.environ.get("GATEWAY_LOG_LEVEL", "INFO"))
    settings = Settings.from_env()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=int(os.environ.get("GATEWAY_PORT", "8000")),
        # uvicorn's "auto" wants websockets>=13, Rasa pins 10.4; "websockets" is the faster one
        ws=os.environ.get("GATEWAY_WS_IMPL", "wsproto"),
        ws_max_size=64 * 1024,
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("GATEWAY_TRUSTED_PROXIES", "127.0.0.1"),
        log_config=None,
        server_header=False,  # no "uvicorn" banner for scanners
    )


if __name__ == "__main__":
    main()
