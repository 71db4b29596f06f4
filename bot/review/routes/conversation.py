"""One conversation: its transcript (masked; unmasked for a supervisor, audited), deletion, the
„reviewed” mark, flags, tags and notes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from bot.review.annotations import NOTE_CHARS, TAG_CHARS, ReviewError, target_of
from bot.review.conversations import ConversationIndex
from bot.review.retention import delete_one
from bot.review.routes.common import DONE, GONE, PAGES, FlagsDep, Index, Intents, known, page_of
from bot.staffweb import PREFIX, Denied, Me, redirect, require
from bot.storage import audit
from bot.storage.identity import StaffView
from bot.storage.models import Role

router = APIRouter(prefix=f"{PREFIX}/review/c/{{conversation_id}}")
supervisor = Depends(require(Role.supervisor))


def conversation_page(
    request: Request,
    index: ConversationIndex,
    intents: list[str],
    conversation_id: str,
    unmasked: bool = False,
    status: int = 200,
    **form: str,
) -> Response:
    """The transcript page; `form` keeps what was typed when a tag or note was refused."""
    transcript = index.transcript(conversation_id, unmasked=unmasked)
    if transcript is None:
        raise Denied(404, GONE)
    me: StaffView = request.state.staff
    action = "review.unmasked" if unmasked else "review.viewed"
    audit.record_alone(index.db, me.id, action, target_of(conversation_id))
    return PAGES.render(
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


@router.get("")
def review_conversation(
    request: Request, conversation_id: str, index: Index, intents: Intents
) -> Response:
    return conversation_page(request, index, intents, conversation_id)


@router.post("/unmask", dependencies=[supervisor])
def review_unmask(
    request: Request, conversation_id: str, index: Index, intents: Intents
) -> Response:
    """A POST (CSRF-checked, audited) whose answer is the unmasked page, never cached."""
    return conversation_page(request, index, intents, conversation_id, unmasked=True)


@router.post("/delete", dependencies=[supervisor])
def review_delete(conversation_id: str, me: Me, index: Index) -> Response:
    known(index, conversation_id)
    delete_one(index.tracker, index.db, conversation_id, me.id)
    return redirect("/review", "deleted")


@router.post("/reviewed")
def review_mark(conversation_id: str, me: Me, index: Index, reviewed: str = Form("1")) -> Response:
    index.sync()
    if not index.mark_reviewed(conversation_id, me.id, reviewed == "1"):
        raise Denied(404, "Nie ma takiej rozmowy.")
    return redirect(page_of(conversation_id), "reviewed" if reviewed == "1" else "unreviewed")


@router.post("/flag")
def review_flag(
    conversation_id: str,
    me: Me,
    flags: FlagsDep,
    intents: Intents,
    event_id: int = Form(0),
    intent: str = Form(""),
) -> Response:
    """„The assistant misunderstood this”, with the intent the message should have had."""
    if intent not in intents:
        raise Denied(400, "Proszę wybrać intencję z listy.")
    if not flags.flag(conversation_id, event_id, intent, me.id):
        raise Denied(404, "Nie ma takiej wiadomości w tej rozmowie.")
    return redirect(page_of(conversation_id), "flagged")


@router.post("/tags")
def review_tag(
    request: Request,
    conversation_id: str,
    me: Me,
    index: Index,
    intents: Intents,
    tag: str = Form(""),
) -> Response:
    known(index, conversation_id)
    try:
        added = index.add_tag(conversation_id, tag, me.id)
    except ReviewError as error:
        return conversation_page(
            request,
            index,
            intents,
            conversation_id,
            status=error.status,
            error=error.message,
            tag_draft=tag,
        )
    return redirect(page_of(conversation_id), "tagged" if added else "tag_exists")


@router.post("/tags/remove")
def review_untag(conversation_id: str, me: Me, index: Index, tag: str = Form("")) -> Response:
    if not index.remove_tag(conversation_id, tag, me.id):
        raise Denied(404, "Ta rozmowa nie ma takiej etykiety.")
    return redirect(page_of(conversation_id), "untagged")


@router.post("/notes")
def review_note(
    request: Request,
    conversation_id: str,
    me: Me,
    index: Index,
    intents: Intents,
    text: str = Form(""),
) -> Response:
    known(index, conversation_id)
    try:
        index.add_note(conversation_id, text, me.id)
    except ReviewError as error:
        return conversation_page(
            request,
            index,
            intents,
            conversation_id,
            status=error.status,
            error=error.message,
            note_draft=text,
        )
    return redirect(page_of(conversation_id), "noted")


@router.post("/notes/{note_id}/delete")
def review_note_delete(conversation_id: str, note_id: int, me: Me, index: Index) -> Response:
    try:
        index.delete_note(conversation_id, note_id, me.actor)
    except ReviewError as error:
        raise Denied(error.status, error.message) from error
    return redirect(page_of(conversation_id), "note_deleted")
