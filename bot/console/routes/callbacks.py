"""Call-back requests: the list, and marking one done."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.console.routes.common import PAGES, Callbacks
from bot.handoff import HandoffError
from bot.staffweb import PREFIX, Me, redirect

router = APIRouter(prefix=PREFIX)


@router.get("/callbacks")
def callback_list(request: Request, callbacks: Callbacks) -> Response:
    return PAGES.render(request, "callbacks.html", callbacks=callbacks.list())


@router.post("/callbacks/{callback_id}/done")
def callback_done(request: Request, callback_id: int, me: Me, callbacks: Callbacks) -> Response:
    try:
        callbacks.mark_done(callback_id, me.actor)
    except HandoffError as error:
        return PAGES.render(
            request, "callbacks.html", 409, callbacks=callbacks.list(), error=str(error)
        )
    return redirect("/callbacks", "callback_done")
