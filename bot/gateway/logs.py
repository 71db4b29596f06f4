"""Structured logs: one JSON object per line, never the text of a resident's message, never an id.

A web conversation's id is the only key to it, and uvicorn's access log prints request paths
(`POST /api/sessions/<id>/messages`, `"WebSocket /ws/<id>"`, the console's `/review/c/<id>`):
`RedactIds` cuts those segments and every query string out before anything is written.
"""

from __future__ import annotations

import json
import logging
import re
import time

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "color_message",  # uvicorn's copy with terminal colours
}


class JsonFormatter(logging.Formatter):
    """Time, level, logger, message, and whatever was passed with `extra=`."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# A path segment that names a conversation, and any query string (the console's search words).
_ID_SEGMENT = re.compile(r"(/api/sessions/|/ws/|/review/c/)[^/?#\s\"]+")
_QUERY = re.compile(r"\?[^\s\"]*")
REDACTED = "…"


def redact_path(text: str) -> str:
    """`/api/sessions/AbC/messages?after=2` → `/api/sessions/…/messages?…`."""
    return _QUERY.sub("?" + REDACTED, _ID_SEGMENT.sub(r"\1" + REDACTED, text))


class RedactIds(logging.Filter):
    """Rewrites a record's path arguments (uvicorn passes the path as one of `args`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_path(a) if isinstance(a, str) and "/" in a else a for a in record.args
            )
        if isinstance(record.msg, str) and "/" in record.msg:
            record.msg = redact_path(record.msg)
        return True


def configure(level: str = "INFO") -> None:
    """Send the gateway's and uvicorn's logs to stderr as JSON lines, ids and queries cut out."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactIds())
    for name in ("bot.gateway", "uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False
        logger.filters = [f for f in logger.filters if not isinstance(f, RedactIds)]
        logger.addFilter(RedactIds())
