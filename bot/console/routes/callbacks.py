"""Call-back requests: the list, taking one ("Biorę"), and marking one done.

Contacts and descriptions are shown as `callback_seen_by` allows: in full only to the worker who
took the request, and to supervisors and admins.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.console.routes.common import PAGES, Callbacks, callback_seen_by
from bot.handoff import CallbackService, HandoffError
from bot.staffweb import PREFIX, Me, redirect
from bot.storage.identity import StaffView

router = APIRouter(prefix=PREFIX)


def callback_page(
    request: Request, me: StaffView, callbacks: CallbackService, error: str | None = None
) -> Response:
    """The list as `me` may see it; `error` (409) when a take or "done" was refused."""
    shown = [callback_seen_by(me, c) for c in callbacks.list()]
    return PAGES.render(
        request, "callbacks.html", 409 if error else 200, callbacks=shown, error=error
    )


@router.get("/callbacks")
def callback_list(request: Request, me: Me, callbacks: Callbacks) -> Response:
    return callback_page(request, me, callbacks)


@router.post("/callbacks/{callback_id}/take")
def callback_take(request: Request, callback_id: int, me: Me, callbacks: Callbacks) -> Response:
    try:
        callbacks.take(callback_id, me.actor)
    except HandoffError as error:
        return callback_page(request, me, callbacks, str(error))
    return redirect(f"/callbacks#callback-{callback_id}")


@router.post("/callbacks/{callback_id}/done")
def callback_done(request: Request, callback_id: int, me: Me, callbacks: Callbacks) -> Response:
    try:
        callbacks.mark_done(callback_id, me.actor)
    except HandoffError as error:
        return callback_page(request, me, callbacks, str(error))
    return redirect("/callbacks", "callback_done")
