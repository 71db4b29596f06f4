"""What the review's routes share: their pages, their services (FastAPI dependencies) and the
intents a flag may name."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import yaml
from fastapi import Depends, Request

from bot.paths import domain_file
from bot.review.conversations import ConversationIndex
from bot.review.flags import Flags
from bot.staff_labels import staff_labels
from bot.staffweb import Denied, Pages

DONE = staff_labels("review_done")
PAGES = Pages(Path(__file__).resolve().parents[1] / "templates", DONE)
GONE = "Nie ma takiej rozmowy (mogła zostać usunięta)."


@lru_cache(maxsize=1)
def domain_intents() -> tuple[str, ...]:
    """The intents a flag may name: those in domain.yml, so the NLU export validates."""
    try:
        data = yaml.safe_load(domain_file().read_text(encoding="utf-8")) or {}
    except OSError:
        return ()
    names = [i if isinstance(i, str) else next(iter(i)) for i in data.get("intents") or []]
    return tuple(sorted(names))


def index(request: Request) -> ConversationIndex:
    """The review's conversation index of this app (built by bot.app)."""
    return request.app.state.review


def flags(request: Request) -> Flags:
    return request.app.state.review_flags


def intents() -> list[str]:
    return list(domain_intents())


Index = Annotated[ConversationIndex, Depends(index)]
FlagsDep = Annotated[Flags, Depends(flags)]
Intents = Annotated[list[str], Depends(intents)]


def page_of(conversation_id: str) -> str:
    """The transcript page's path (below /console): a sender id may hold any character."""
    return f"/review/c/{quote(conversation_id, safe='')}"


def known(index: ConversationIndex, conversation_id: str) -> None:
    """Tags, notes and deletion only for a conversation the tracker store holds."""
    if not index.exists(conversation_id):
        raise Denied(404, GONE)
