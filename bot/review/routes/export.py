"""Exports: the filtered list as CSV or JSON, and the flagged messages as NLU training data."""

from __future__ import annotations

import csv
import io
import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.review.conversations import ConversationRow
from bot.review.filters import Filters
from bot.review.routes.common import FlagsDep, Index
from bot.staffweb import PREFIX, Denied, Me
from bot.storage import audit
from bot.storage.models import utcnow

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

router = APIRouter(prefix=f"{PREFIX}/review")


def _cell(value: object) -> str:
    """A CSV cell; text starting like a formula is quoted so spreadsheets do not run it."""
    text = ",".join(value) if isinstance(value, list) else "" if value is None else str(value)
    if isinstance(value, bool):
        text = "tak" if value else "nie"
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_of(rows: list[ConversationRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title for _, title in CSV_COLUMNS])
    for row in rows:
        writer.writerow([_cell(getattr(row, name)) for name, _ in CSV_COLUMNS])
    return out.getvalue()


@router.get("/export.{kind}")
def review_export(request: Request, kind: str, me: Me, index: Index) -> Response:
    if kind not in ("csv", "json"):
        raise Denied(404, "Nie ma takiego formatu eksportu (csv albo json).")
    index.sync()
    rows = list(index.iterate(Filters.from_query(request.query_params)))
    audit.record_alone(index.db, me.id, "review.exported", f"{kind}:{len(rows)}")
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    if kind == "csv":
        body, media = "\ufeff" + csv_of(rows), "text/csv; charset=utf-8"
    else:
        body = json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=1)
        media = "application/json"
    headers = {
        "Content-Disposition": f'attachment; filename="rozmowy-{stamp}.{kind}"',
        "Cache-Control": "no-store",
    }
    return Response(body, media_type=media, headers=headers)


@router.get("/flags/nlu.yml")
def review_nlu(me: Me, flags: FlagsDep) -> Response:
    """Flagged messages as Rasa NLU training data (masked: no personal data in training)."""
    return Response(
        flags.nlu_export(me.id),
        media_type="application/x-yaml; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="nlu_flagged.yml"',
            "Cache-Control": "no-store",
        },
    )
