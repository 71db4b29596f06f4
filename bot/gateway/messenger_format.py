"""What Messenger accepts, made from the assistant's text and buttons.

Messenger takes at most 2000 characters of text, 640 under a button template, 3 template buttons
and 13 quick replies of 20 characters each. Long answers are split at paragraphs, then sentences;
buttons become a template (up to 3), quick replies (up to 13) or a list in the text.
"""

from __future__ import annotations

import re
from typing import Any

TEXT_LIMIT = 2000
TEMPLATE_TEXT_LIMIT = 640
TITLE_LIMIT = 20
MAX_TEMPLATE_BUTTONS = 3
MAX_QUICK_REPLIES = 13
# Coarsest first: paragraphs, sentences, lines, words; each with what joins its pieces again.
_BREAKS = (
    (re.compile(r"\n\s*\n"), "\n\n"),
    (re.compile(r"(?<=[.!?…])\s+"), " "),
    (re.compile(r"\n"), "\n"),
    (re.compile(r" "), " "),
)


def _pack(pieces: list[str], joiner: str, limit: int) -> list[str]:
    """Join neighbouring pieces again while they fit: few messages, none over the limit."""
    packed: list[str] = []
    for piece in pieces:
        if packed and len(packed[-1]) + len(joiner) + len(piece) <= limit:
            packed[-1] += joiner + piece
        else:
            packed.append(piece)
    return packed


def split_text(text: str, limit: int = TEXT_LIMIT, level: int = 0) -> list[str]:
    """Messages of at most `limit` characters, cut at the coarsest break that works."""
    text = text.strip()
    if len(text) <= limit:
        return [text]
    if level == len(_BREAKS):
        return [text[i : i + limit] for i in range(0, len(text), limit)]
    pattern, joiner = _BREAKS[level]
    pieces = [p for part in pattern.split(text) for p in split_text(part, limit, level + 1) if p]
    return _pack(pieces, joiner, limit)


def short_title(title: str) -> str:
    """A button title cut to Messenger's 20 characters, with an ellipsis when cut."""
    title = title.strip()
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1].rstrip() + "…"


def _is_url(payload: str) -> bool:
    return payload.startswith(("https://", "http://"))


def _template_button(button: dict[str, Any]) -> dict[str, str]:
    payload = str(button.get("payload") or button["title"])
    if _is_url(payload):
        return {"type": "web_url", "url": payload, "title": short_title(button["title"])}
    return {"type": "postback", "payload": payload, "title": short_title(button["title"])}


def messenger_messages(text: str, buttons: list[dict[str, Any]] | None = None) -> list[dict]:
    """The Send API `message` objects for one answer, in order."""
    buttons = [b for b in buttons or [] if b.get("title")]
    chunks = split_text(text)
    head, last = chunks[:-1], chunks[-1]
    messages: list[dict[str, Any]] = [{"text": c} for c in head]
    urls = any(_is_url(str(b.get("payload", ""))) for b in buttons)
    if not buttons:
        messages.append({"text": last})
    elif len(buttons) <= MAX_TEMPLATE_BUTTONS and len(last) <= TEMPLATE_TEXT_LIMIT:
        messages.append(
            {
                "attachment": {
                    "type": "template",
                    "payload": {
                        "template_type": "button",
                        "text": last,
                        "buttons": [_template_button(b) for b in buttons],
                    },
                }
            }
        )
    elif len(buttons) <= MAX_QUICK_REPLIES and not urls:
        quick = [
            {
                "content_type": "text",
                "title": short_title(b["title"]),
                "payload": str(b.get("payload") or b["title"]),
            }
            for b in buttons
        ]
        messages.append({"text": last, "quick_replies": quick})
    else:  # too many choices (or links): list them, the resident writes one
        options = "\n".join(
            f"• {b['title']}" + (f": {b['payload']}" if _is_url(str(b.get("payload"))) else "")
            for b in buttons
        )
        listing = f"{last}\n\nMożna napisać jedną z opcji:\n{options}"
        messages.extend({"text": c} for c in split_text(listing))
    return messages
