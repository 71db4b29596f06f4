"""The live queue of handoff tickets: the page, and the JSON its script polls."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from bot.console.routes.common import PAGES, Callbacks, Settings, Tickets, as_seen_by
from bot.staffweb import PREFIX, Me, redirect
from bot.staffweb.formatting import clock, topic_title, waited

router = APIRouter(prefix=PREFIX)


@router.get("")
@router.get("/")
def home() -> Response:
    return redirect("/queue")


@router.get("/queue")
def queue(
    request: Request, me: Me, tickets: Tickets, callbacks: Callbacks, settings: Settings
) -> Response:
    return PAGES.render(
        request,
        "queue.html",
        tickets=[as_seen_by(me, t) for t in tickets.queue()],
        new_callbacks=callbacks.count_new(),
        poll_seconds=settings.poll_seconds,
    )


@router.get("/api/queue")
def queue_json(me: Me, tickets: Tickets, callbacks: Callbacks) -> JSONResponse:
    """What the queue page's script polls: the open tickets, ready to show."""
    rows = [
        {
            **as_seen_by(me, t).to_json(),
            "topic": topic_title(t.topic),
            "waited": waited(t.waiting_seconds),
            "created": clock(t.created_at),
        }
        for t in tickets.queue()
    ]
    return JSONResponse(
        {"tickets": rows, "new_callbacks": callbacks.count_new()},
        headers={"Cache-Control": "no-store"},
    )
