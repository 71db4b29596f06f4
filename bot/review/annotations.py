"""What staff add to a conversation: tags, notes and the „reviewed” mark, each audited.

Tags and notes (`review_note`: a tag is a short `tag` with empty `text`, a note has no `tag`) are
stored as staff typed them: notes are masked when shown, like transcripts; tags cannot hold
personal data at all (they appear in the list, the exports and the filter's URL), so one that
looks like a phone number or a PESEL is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from bot.masking import mask
from bot.storage import audit
from bot.storage.db import CHUNK, Database, changed_rows
from bot.storage.identity import Actor
from bot.storage.models import ReviewConversation, ReviewNote, Staff, utcnow

TAG_CHARS = 40  # a label to filter by, not a sentence: notes are for sentences
NOTE_CHARS = 2000
TAG_PATTERN = re.compile(r"(?:[^\W_]|[ -])+")  # letters (Polish too), digits, spaces, hyphens


class ReviewError(Exception):
    """A tag or note refused, with the HTTP status (400 input, 403 role, 404 missing) and the
    Polish reason staff see."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def tag_form(raw: str | None) -> str:
    """The stored form: one space between words, no edge spaces or hyphens, lower case, so
    „ Pilne ” and „pilne” are one tag."""
    return " ".join((raw or "").split()).strip(" -").lower()


def normalise_tag(raw: str | None) -> str:
    """A tag as stored, or ReviewError(400) saying what to change."""
    tag = tag_form(raw)
    if not tag:
        raise ReviewError(400, "Proszę wpisać etykietę.")
    if len(tag) > TAG_CHARS:
        raise ReviewError(400, f"Etykieta może mieć najwyżej {TAG_CHARS} znaków.")
    if not TAG_PATTERN.fullmatch(tag):
        raise ReviewError(400, "Etykieta może zawierać tylko litery, cyfry, spacje i łączniki.")
    if mask(tag) != tag:
        raise ReviewError(400, "Etykieta nie może zawierać danych osobowych (np. numeru telefonu).")
    return tag


def clean_note(raw: str | None) -> str:
    """A note as stored (trimmed, Unix line ends), or ReviewError(400)."""
    text = storable(raw or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ReviewError(400, "Proszę wpisać treść notatki.")
    if len(text) > NOTE_CHARS:
        raise ReviewError(400, f"Notatka może mieć najwyżej {NOTE_CHARS} znaków.")
    return text


@dataclass(frozen=True)
class Note:
    """A staff note on a conversation; `text` is masked unless a supervisor unmasked the page."""

    id: int
    author_id: int | None
    author: str
    at: datetime
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"author": self.author, "at": self.at.isoformat() + "Z", "text": self.text}


def target_of(conversation_id: str) -> str:
    """The audit entry's target for a conversation (the column holds 200 characters)."""
    return f"conversation:{conversation_id}"[:200]


def storable(value: Any, length: int | None = None) -> str:
    """`value` as text every database stores: without NUL characters (PostgreSQL's text cannot
    hold one; a resident can send one, and a refused row would stop the sync there for good),
    cut to the column's `length` (SQLite ignores lengths, PostgreSQL refuses the row)."""
    return str(value).replace("\x00", "")[:length]


def tags_and_notes(
    session: Any, conversation_ids: list[str], with_notes: bool, unmasked: bool
) -> tuple[dict[str, list[str]], dict[str, list[Note]]]:
    """Tags (sorted, once each) and, if asked, notes (oldest first, masked unless `unmasked`)
    of these conversations, in one query per chunk."""
    tags: dict[str, list[str]] = {}
    notes: dict[str, list[Note]] = {}
    shown = (lambda text: text) if unmasked else mask
    for start in range(0, len(conversation_ids), CHUNK):
        chunk = conversation_ids[start : start + CHUNK]
        query = (
            select(ReviewNote, Staff.first_name)
            .outerjoin(Staff, Staff.id == ReviewNote.author_id)
            .where(ReviewNote.conversation_id.in_(chunk))
            .order_by(ReviewNote.id)
        )
        if not with_notes:
            query = query.where(ReviewNote.tag.isnot(None))
        for note, author in session.execute(query):
            if note.tag:
                found = tags.setdefault(note.conversation_id, [])
                if note.tag not in found:
                    found.append(note.tag)
            elif with_notes:
                notes.setdefault(note.conversation_id, []).append(
                    Note(
                        note.id,
                        note.author_id,
                        author or "pracownik",
                        note.created_at,
                        shown(note.text),
                    )
                )
    for found in tags.values():
        found.sort()
    return tags, notes


class Annotations:
    """The annotations' side of the conversation index (bot.review.conversations)."""

    db: Database

    def mark_reviewed(self, conversation_id: str, actor_id: int, reviewed: bool) -> bool:
        """Set or clear the reviewed mark; False when the conversation is not in the index."""
        with self.db.transaction() as session:
            changed = changed_rows(
                session,
                update(ReviewConversation)
                .where(ReviewConversation.conversation_id == conversation_id)
                .values(
                    reviewed_at=utcnow() if reviewed else None,
                    reviewed_by=actor_id if reviewed else None,
                ),
            )
            if changed:
                action = "review.reviewed" if reviewed else "review.unreviewed"
                audit.record(session, actor_id, action, target_of(conversation_id))
            return bool(changed)

    def add_tag(self, conversation_id: str, raw: str, actor_id: int | None) -> bool:
        """Tag a conversation; False when it already has the tag (nothing written)."""
        tag = normalise_tag(raw)
        with self.db.transaction() as session:
            present = session.scalars(
                select(ReviewNote.id).where(
                    ReviewNote.conversation_id == conversation_id, ReviewNote.tag == tag
                )
            ).first()
            if present is not None:
                return False
            session.add(
                ReviewNote(conversation_id=conversation_id, tag=tag, text="", author_id=actor_id)
            )
            audit.record(session, actor_id, "review.tag_added", target_of(conversation_id))
        return True

    def remove_tag(self, conversation_id: str, raw: str, actor_id: int | None) -> bool:
        """Remove a tag (anyone may: tags are shared labels); False when it was not there."""
        tag = tag_form(raw)
        with self.db.transaction() as session:
            removed = changed_rows(
                session,
                delete(ReviewNote)
                .where(ReviewNote.conversation_id == conversation_id, ReviewNote.tag == tag)
                .execution_options(synchronize_session=False),
            )
            if not removed:
                return False
            audit.record(session, actor_id, "review.tag_removed", target_of(conversation_id))
        return True

    def add_note(self, conversation_id: str, raw: str, actor_id: int | None) -> int:
        """Add a note as typed (masked when shown); returns its id."""
        text = clean_note(raw)
        with self.db.transaction() as session:
            note = ReviewNote(
                conversation_id=conversation_id, tag=None, text=text, author_id=actor_id
            )
            session.add(note)
            audit.record(session, actor_id, "review.note_added", target_of(conversation_id))
            session.flush()
            return int(note.id)

    def delete_note(self, conversation_id: str, note_id: int, actor: Actor) -> None:
        """Delete a note: its author's or, for a supervisor, anyone's; else ReviewError."""
        with self.db.transaction() as session:
            note = session.scalars(
                select(ReviewNote).where(
                    ReviewNote.id == note_id,
                    ReviewNote.conversation_id == conversation_id,
                    ReviewNote.tag.is_(None),
                )
            ).first()
            if note is None:
                raise ReviewError(404, "Nie ma takiej notatki (mogła zostać usunięta).")
            if note.author_id != actor.id and not actor.supervises:
                raise ReviewError(403, "Notatkę może usunąć tylko jej autor lub koordynator.")
            session.delete(note)
            audit.record(session, actor.id, "review.note_deleted", target_of(conversation_id))

    def known_tags(self, limit: int = 200) -> list[str]:
        """Tags in use, for the filter's suggestions (DISTINCT over the tag index)."""
        query = (
            select(ReviewNote.tag)
            .where(ReviewNote.tag.isnot(None))
            .distinct()
            .order_by(ReviewNote.tag)
            .limit(limit)
        )
        with self.db.sessions() as session:
            return [t for t in session.scalars(query) if t]
