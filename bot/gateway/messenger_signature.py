"""Meta's webhook signature: an HMAC of the body with the app secret.

Checked by the gateway, which receives Messenger's webhook calls, and again by Rasa's channel
behind it (the gateway signs each event it hands on with the same secret).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

HEADER = "X-Hub-Signature-256"


def signature_valid(secret: str, body: bytes, headers: Any) -> bool:
    """Meta signs the body with the app secret: sha256 now, sha1 in the older header."""
    for header, algorithm in ((HEADER, "sha256"), ("X-Hub-Signature", "sha1")):
        sent = headers.get(header) or ""
        prefix = f"{algorithm}="
        if sent.startswith(prefix):
            expected = hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()
            return hmac.compare_digest(sent[len(prefix) :], expected)
    return False


def handshake_answer(mode: str, token: str, verify_token: str, challenge: str) -> str | None:
    """Meta's subscription handshake: the challenge to echo for the right verify token."""
    right = hmac.compare_digest(token.encode(), verify_token.encode())
    return challenge if mode == "subscribe" and right else None


def signed_headers(secret: str, body: bytes) -> dict[str, str]:
    """The headers of a body signed as Meta signs it."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", HEADER: f"sha256={digest}"}
