"""The review pages under /console/review, on the console's own machinery.

The router is included into the console's router (`bot.console.mount_console`), so the console's
guard (login for every route, CSRF on every POST) covers every route here without repeating it.
Workers and supervisors see masked text; only a supervisor unmasks or deletes a conversation.
Any staff member tags a conversation, removes a tag or writes a note; a note is deleted by its
author or a supervisor. Every view, unmasking, export, deletion, tag and note writes an audit
entry (never a message's, tag's or note's text).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import quote

import yaml
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from bot.address.districts import DISTRICTS
from bot.console.web import Console, Denied, redirect, render, require, staff_of
from bot.review import analytics
from bot.review.conversations import (
    CHANNELS,
    NOTE_CHARS,
    TAG_CHARS,
    ConversationIndex,
    ConversationRow,
    Filters,
    ReviewError,
    ReviewSettings,
    target_of,
)
from bot.review.masking import mask
from bot.review.retention import delete_one
from bot.review.tracker import EVENTS
from bot.storage import audit
from bot.storage.models import ReviewFlag, Role, utcnow

DOMAIN = Path(__file__).resolve().parents[2] / "domain.yml"
DONE = {
    "reviewed": "Rozmowa została oznaczona jako przejrzana.",
    "unreviewed": "Zdjęto oznaczenie „przejrzana”.",
    "flagged": "Wiadomość została oznaczona jako źle zrozumiana.",
    "deleted": "Rozmowa została usunięta.",
    "tagged": "Dodano etykietę.",
    "tag_exists": "Rozmowa ma już tę etykietę.",
    "untagged": "Usunięto etykietę.",
    "noted": "Dodano notatkę.",
    "note_deleted": "Usunięto notatkę.",
}
CSV_COLUMNS = [
    ("conversation_id", "rozmowa"),
    ("channel_name", "kanał"),
    ("started_at", "początek (UTC)"),
    ("last_at", "ostatnia aktywność (UTC)"),
    ("user_messages", "wiadomości mieszkańca"),
    ("intents", "intencje"),
    ("min_confidence", "najniższa pewność"),
    ("fallback", "fallback"),
    ("district", "dzielnica"),
    ("handed_over", "przekazana"),
    ("reviewed", "przejrzana"),
    ("tags", "etykiety"),
    ("preview", "pierwsza wiadomość"),
    ("notes_text", "notatki"),
]


def domain_intents() -> list[str]:
    """The intents a flag may name: those in domain.yml, so the NLU export validates."""
    try:
        data = yaml.safe_load(DOMAIN.read_text(encoding="utf-8")) or {}
    except OSError:
        return []
    names = [i if isinstance(i, str) else next(iter(i)) for i in data.get("intents") or []]
    return sorted(names)


def _cell(value: object) -> str:
    """A CSV cell; text starting like a formula is quoted so spreadsheets do not run it."""
    text = ",".join(value) if isinstance(value, list) else "" if value is None else str(value)
    if isinstance(value, bool):
        text = "tak" if value else "nie"
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def page_of(conversation_id: str) -> str:
    """The transcript page's path (below /console): a sender id may hold any character."""
    return f"/review/c/{quote(conversation_id, safe='')}"


def csv_of(rows: list[ConversationRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title for _, title in CSV_COLUMNS])
    for row in rows:
        writer.writerow([_cell(getattr(row, name)) for name, _ in CSV_COLUMNS])
    return out.getvalue()


def build_review_router(console: Console, settings: ReviewSettings | None = None) -> APIRouter:
    index = ConversationIndex(console.db, settings or ReviewSettings.from_env())
    console.review = index  # type: ignore[attr-defined]  # for tests and the command line
    router = APIRouter(prefix="/review")
    supervisor = Depends(require(Role.supervisor))
    intents = domain_intents()

    def record(request: Request, action: str, target: str) -> None:
        with console.db.transaction() as session:
            audit.record(session, staff_of(request).id, action, target)

    @router.get("")
    def review_list(request: Request, after: str | None = None) -> Response:
        index.sync()
        filters = Filters.from_query(request.query_params)
        page = index.list(filters, after)
        query = filters.to_query()
        return render(
            request,
            "review.html",
            page=page,
            filters=filters,
            query=query,
            channels=CHANNELS,
            intents=intents,
            districts=DISTRICTS,
            known_tags=index.known_tags(),
            tag_chars=TAG_CHARS,
            done=DONE.get(request.query_params.get("done", "")),
        )

    @router.get("/analytics")
    def review_analytics(request: Request) -> Response:
        """Charts over the summary table for an optional date range (the list's `from`, `to`)."""
        index.sync()
        filters = Filters.from_query(request.query_params)
        data = analytics.compute(
            console.db, filters.date_from, filters.date_to, index.settings.low_confidence
        )
        period = f"{filters.date_from or ''}..{filters.date_to or ''}"
        record(request, "review.analytics_viewed", f"analytics:{period}")
        return render(
            request,
            "review_analytics.html",
            data=data,
            charts=analytics.charts(data),
            query=data.base().to_query(),
        )

    @router.get("/export.{kind}")
    def review_export(request: Request, kind: str) -> Response:
        if kind not in ("csv", "json"):
            raise Denied(404, "Nie ma takiego formatu eksportu (csv albo json).")
        index.sync()
        rows = list(index.iterate(Filters.from_query(request.query_params)))
        record(request, "review.exported", f"{kind}:{len(rows)}")
        stamp = utcnow().strftime("%Y%m%d-%H%M")
        if kind == "csv":
            body, media = csv_of(rows), "text/csv; charset=utf-8"
        else:
            body = json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=1)
            media = "application/json"
        headers = {
            "Content-Disposition": f'attachment; filename="rozmowy-{stamp}.{kind}"',
            "Cache-Control": "no-store",
        }
        return Response(
            ("\ufeff" if kind == "csv" else "") + body, media_type=media, headers=headers
        )

    def conversation_page(
        request: Request,
        conversation_id: str,
        unmasked: bool = False,
        status: int = 200,
        **form: str,
    ) -> Response:
        """The transcript page; `form` keeps what was typed when a tag or note was refused."""
        transcript = index.transcript(conversation_id, unmasked=unmasked)
        if transcript is None:
            raise Denied(404, "Nie ma takiej rozmowy (mogła zostać usunięta).")
        record(
            request, "review.unmasked" if unmasked else "review.viewed", target_of(conversation_id)
        )
        me = staff_of(request)
        return render(
            request,
            "review_conversation.html",
            status,
            transcript=transcript,
            unmasked=unmasked,
            intents=intents,
            me=me.id,
            may_supervise=me.actor.supervises,
            tag_chars=TAG_CHARS,
            note_chars=NOTE_CHARS,
            done=DONE.get(request.query_params.get("done", "")),
            **form,
        )

    def known(conversation_id: str) -> None:
        """Tags and notes only on a conversation the tracker store holds."""
        if not index.exists(conversation_id):
            raise Denied(404, "Nie ma takiej rozmowy (mogła zostać usunięta).")

    @router.get("/c/{conversation_id}")
    def review_conversation(request: Request, conversation_id: str) -> Response:
        return conversation_page(request, conversation_id)

    @router.post("/c/{conversation_id}/unmask", dependencies=[supervisor])
    def review_unmask(request: Request, conversation_id: str) -> Response:
        """A POST (CSRF-checked, audited) whose answer is the unmasked page, never cached."""
        return conversation_page(request, conversation_id, unmasked=True)

    @router.post("/c/{conversation_id}/delete", dependencies=[supervisor])
    def review_delete(request: Request, conversation_id: str) -> Response:
        if not index.exists(conversation_id):
            raise Denied(404, "Nie ma takiej rozmowy (mogła zostać usunięta).")
        delete_one(index.tracker, console.db, conversation_id, staff_of(request).id)
        return redirect("/review", "deleted")

    @router.post("/c/{conversation_id}/reviewed")
    def review_mark(request: Request, conversation_id: str, reviewed: str = Form("1")) -> Response:
        index.sync()
        if not index.mark_reviewed(conversation_id, staff_of(request).id, reviewed == "1"):
            raise Denied(404, "Nie ma takiej rozmowy.")
        done = "reviewed" if reviewed == "1" else "unreviewed"
        return redirect(page_of(conversation_id), done)

    @router.post("/c/{conversation_id}/flag")
    def review_flag(
        request: Request, conversation_id: str, event_id: int = Form(0), intent: str = Form("")
    ) -> Response:
        """„The assistant misunderstood this”, with the intent the message should have had."""
        if intent not in intents:
            raise Denied(400, "Proszę wybrać intencję z listy.")
        user_event = (
            select(EVENTS.c.id)
            .where(EVENTS.c.id == event_id, EVENTS.c.sender_id == conversation_id)
            .where(EVENTS.c.type_name == "user")
        )
        with index.tracker.connect() as connection:
            if connection.execute(user_event).first() is None:
                raise Denied(404, "Nie ma takiej wiadomości w tej rozmowie.")
        me = staff_of(request).id
        with console.db.transaction() as session:
            flag = session.scalars(
                select(ReviewFlag).where(ReviewFlag.event_id == event_id)
            ).first()
            if flag is None:
                flag = ReviewFlag(conversation_id=conversation_id, event_id=event_id)
                session.add(flag)
            flag.correct_intent, flag.flagged_by, flag.flagged_at = intent, me, utcnow()
            audit.record(session, me, "review.flagged", target_of(conversation_id))
        return redirect(page_of(conversation_id), "flagged")

    @router.post("/c/{conversation_id}/tags")
    def review_tag(request: Request, conversation_id: str, tag: str = Form("")) -> Response:
        known(conversation_id)
        try:
            added = index.add_tag(conversation_id, tag, staff_of(request).id)
        except ReviewError as error:
            return conversation_page(
                request, conversation_id, status=error.status, error=error.message, tag_draft=tag
            )
        return redirect(page_of(conversation_id), "tagged" if added else "tag_exists")

    @router.post("/c/{conversation_id}/tags/remove")
    def review_untag(request: Request, conversation_id: str, tag: str = Form("")) -> Response:
        if not index.remove_tag(conversation_id, tag, staff_of(request).id):
            raise Denied(404, "Ta rozmowa nie ma takiej etykiety.")
        return redirect(page_of(conversation_id), "untagged")

    @router.post("/c/{conversation_id}/notes")
    def review_note(request: Request, conversation_id: str, text: str = Form("")) -> Response:
        known(conversation_id)
        try:
            index.add_note(conversation_id, text, staff_of(request).id)
        except ReviewError as error:
            return conversation_page(
                request, conversation_id, status=error.status, error=error.message, note_draft=text
            )
        return redirect(page_of(conversation_id), "noted")

    @router.post("/c/{conversation_id}/notes/{note_id}/delete")
    def review_note_delete(request: Request, conversation_id: str, note_id: int) -> Response:
        try:
            index.delete_note(conversation_id, note_id, staff_of(request).actor)
        except ReviewError as error:
            raise Denied(error.status, error.message) from error
        return redirect(page_of(conversation_id), "note_deleted")

    @router.get("/flags/nlu.yml")
    def review_nlu(request: Request) -> Response:
        """Flagged messages as Rasa NLU training data (masked: no personal data in training)."""
        with console.db.sessions() as session:
            flags = list(session.scalars(select(ReviewFlag).order_by(ReviewFlag.id)))
        texts: dict[int, str] = {}
        ids = [f.event_id for f in flags]
        with index.tracker.connect() as connection:
            for start in range(0, len(ids), 500):
                query = select(EVENTS.c.id, EVENTS.c.data).where(
                    EVENTS.c.id.in_(ids[start : start + 500])
                )
                for event_id, data in connection.execute(query):
                    texts[event_id] = mask(str(json.loads(data or "{}").get("text") or ""))
        record(request, "review.nlu_exported", f"flags:{len(flags)}")
        return Response(
            nlu_yaml(flags, texts),
            media_type="application/x-yaml; charset=utf-8",
            headers={
                "Content-Disposition": 'attachment; filename="nlu_flagged.yml"',
                "Cache-Control": "no-store",
            },
        )

    return router


ENTITY_SYNTAX = re.compile(r"\](?=[\[({])")


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
