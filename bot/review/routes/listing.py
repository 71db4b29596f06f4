"""The list of conversations (filters, paging) and its charts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.address.districts import DISTRICTS
from bot.review import analytics
from bot.review.annotations import TAG_CHARS
from bot.review.filters import CHANNELS, Filters
from bot.review.routes.charts import charts
from bot.review.routes.common import DONE, PAGES, Index, Intents
from bot.staffweb import PREFIX, Me
from bot.storage import audit

router = APIRouter(prefix=f"{PREFIX}/review")


@router.get("")
def review_list(
    request: Request, index: Index, intents: Intents, after: str | None = None
) -> Response:
    index.sync()
    filters = Filters.from_query(request.query_params)
    return PAGES.render(
        request,
        "review.html",
        page=index.list(filters, after),
        filters=filters,
        query=filters.to_query(),
        channels=CHANNELS,
        intents=intents,
        districts=DISTRICTS,
        known_tags=index.known_tags(),
        tag_chars=TAG_CHARS,
        done=DONE.get(request.query_params.get("done", "")),
    )


@router.get("/analytics")
def review_analytics(request: Request, me: Me, index: Index) -> Response:
    """Charts over the summary table for an optional date range (the list's `from`, `to`)."""
    index.sync()
    filters = Filters.from_query(request.query_params)
    data = analytics.compute(
        index.db, filters.date_from, filters.date_to, index.settings.low_confidence
    )
    period = f"{filters.date_from or ''}..{filters.date_to or ''}"
    audit.record_alone(index.db, me.id, "review.analytics_viewed", f"analytics:{period}")
    return PAGES.render(
        request,
        "review_analytics.html",
        data=data,
        charts=charts(data),
        query=data.base().to_query(),
    )
