"""`python -m bot.gateway`: serve the gateway with uvicorn (GATEWAY_HOST, GATEWAY_PORT)."""

from __future__ import annotations

import os

import uvicorn

from bot.gateway import logs
from bot.gateway.app import create_app


def main() -> None:
    """Listen on 0.0.0.0:8000 by default: the gateway is the public surface, Rasa is not."""
    logs.configure(os.environ.get("GATEWAY_LOG_LEVEL", "INFO"))
    uvicorn.run(
        create_app(),
        host=os.environ.get("GATEWAY_HOST", "0.0.0.0"),
        port=int(os.environ.get("GATEWAY_PORT", "8000")),
        # uvicorn's "auto" wants websockets>=13, Rasa pins 10.4; "websockets" is the faster one
        ws=os.environ.get("GATEWAY_WS_IMPL", "wsproto"),
        ws_max_size=64 * 1024,
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("GATEWAY_TRUSTED_PROXIES", "127.0.0.1"),
        log_config=None,
    )


if __name__ == "__main__":
    main()
