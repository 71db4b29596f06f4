"""The review's pages (`/console/review`): the list and its charts, one conversation, exports.

Behind the same guard as the console (bot.staffweb.guard: login, CSRF on every POST).
Workers and supervisors see masked text; only a supervisor unmasks or deletes a conversation.
Any staff member tags a conversation, removes a tag or writes a note; a note is deleted by its
author or a supervisor. Every view, unmasking, export, deletion, tag and note writes an audit
entry (never a message's, tag's or note's text).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from bot.review.routes import conversation, export, listing
from bot.staffweb import guard


def review_router() -> APIRouter:
    """All of the review's routes under /console/review, behind the guard."""
    router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)
    for part in (listing, export, conversation):
        router.include_router(part.router)
    return router
