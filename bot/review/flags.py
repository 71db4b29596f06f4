"""„The assistant misunderstood this”: flags on residents' messages, and the flagged messages as
Rasa NLU training data (masked: no personal data goes into training)."""

from __future__ import annotations

import json
import re

import yaml
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.masking import mask
from bot.review.annotations import target_of
from bot.review.tracker import EVENTS
from bot.storage import audit
from bot.storage.db import CHUNK, Database
from bot.storage.models import ReviewFlag, utcnow

ENTITY_SYNTAX = re.compile(r"\](?=[\[({])")


class Flags:
    """Flags live in the console database; the messages they name in Rasa's tracker store."""

    def __init__(self, db: Database, tracker: Engine) -> None:
        self.db = db
        self.tracker = tracker

    def flag(self, conversation_id: str, event_id: int, intent: str, staff_id: int) -> bool:
        """Flag a resident's message with the intent it should have had (again: the new intent
        wins); False when the conversation has no such message."""
        user_event = (
            select(EVENTS.c.id)
            .where(EVENTS.c.id == event_id, EVENTS.c.sender_id == conversation_id)
            .where(EVENTS.c.type_name == "user")
        )
        with self.tracker.connect() as connection:
            if connection.execute(user_event).first() is None:
                return False
        with self.db.transaction() as session:
            flag = session.scalars(
                select(ReviewFlag).where(ReviewFlag.event_id == event_id)
            ).first()
            if flag is None:
                flag = ReviewFlag(conversation_id=conversation_id, event_id=event_id)
                session.add(flag)
            flag.correct_intent, flag.flagged_by, flag.flagged_at = intent, staff_id, utcnow()
            audit.record(session, staff_id, "review.flagged", target_of(conversation_id))
        return True

    def nlu_export(self, staff_id: int) -> str:
        """Every flagged message, masked, as Rasa NLU data; the export is audited."""
        with self.db.sessions() as session:
            flags = list(session.scalars(select(ReviewFlag).order_by(ReviewFlag.id)))
        texts: dict[int, str] = {}
        ids = [f.event_id for f in flags]
        with self.tracker.connect() as connection:
            for start in range(0, len(ids), CHUNK):
                query = select(EVENTS.c.id, EVENTS.c.data).where(
                    EVENTS.c.id.in_(ids[start : start + CHUNK])
                )
                for event_id, data in connection.execute(query):
                    texts[event_id] = mask(str(json.loads(data or "{}").get("text") or ""))
        audit.record_alone(self.db, staff_id, "review.nlu_exported", f"flags:{len(flags)}")
        return nlu_yaml(flags, texts)


def nlu_yaml(flags: list[ReviewFlag], texts: dict[int, str]) -> str:
    """Rasa 3 NLU data: one block per intent, each example once, none empty."""
    examples: dict[str, list[str]] = {}
    for flag in flags:
        # "[x](y)", "[x]{...}" and "[x][...]" are entity annotations to Rasa: a space after the
        # bracket keeps what the resident wrote (a link, a masked "[telefon](komórka)") as text.
        text = ENTITY_SYNTAX.sub("] ", " ".join(texts.get(flag.event_id, "").split()))
        if text and not text.startswith("/") and text not in examples.get(flag.correct_intent, []):
            examples.setdefault(flag.correct_intent, []).append(text)
    nlu = [
        {"intent": intent, "examples": "".join(f"- {t}\n" for t in items)}
        for intent, items in sorted(examples.items())
    ]
    return yaml.safe_dump(
        {"version": "3.1", "nlu": nlu}, allow_unicode=True, sort_keys=False, default_style=None
    )
