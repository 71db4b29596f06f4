"""Security headers on every HTTP answer of the gateway: pages, scripts, static files, API.

A pure ASGI middleware (it only touches `http.response.start`), so streamed and static answers
get the headers too. Headers a route already set win (the console sets its own, as strict), so the
console mounted in the same app keeps its policy.

The policy fits what the gateway serves: the demo page's one inline `<style>` is allowed by its
hash, every script is a file from the gateway itself, the widget talks to its own origin (fetch
and WebSocket: CSP 3 `'self'` covers ws/wss). The widget is a script embedded into MOPS pages,
not a frame, so nothing of the gateway may be framed.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC = Path(__file__).resolve().parent / "static"
HSTS = "max-age=31536000"  # one year, as the console's


def inline_style_hashes(page: Path) -> list[str]:
    """CSP sources for each `<style>` block of `page` ('sha256-…' of its exact text)."""
    text = page.read_text(encoding="utf-8")
    blocks = re.findall(r"<style>(.*?)</style>", text, flags=re.DOTALL)
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'"
        for b in blocks
    ]


def content_security_policy() -> str:
    """The gateway's CSP: only its own files, the demo page's inline style by hash, no frames."""
    styles = " ".join(["'self'", *inline_style_hashes(STATIC / "demo.html")])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {styles}",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(csp: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


class SecurityHeaders:
    """Adds `security_headers()` to every HTTP answer; HSTS over HTTPS, or always/never.

    `hsts`: True sends it always (production behind TLS), False never, None when the request came
    over HTTPS (uvicorn takes the scheme from a trusted proxy's X-Forwarded-Proto).
    """

    def __init__(self, app: ASGIApp, hsts: bool | None = None, csp: str | None = None) -> None:
        self.app = app
        self.hsts = hsts
        self.headers = [
            (name.lower().encode(), value.encode())
            for name, value in security_headers(csp or content_security_policy()).items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(self.headers)
        if self.hsts or (self.hsts is None and scope.get("scheme") == "https"):
            extra.append((b"strict-transport-security", HSTS.encode()))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in extra if n not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
