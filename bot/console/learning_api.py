"""Console routes for learning from what the assistant did not understand (bot/reports/learning.py)."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from bot.console.api import Handler, blocking, body_id, json_body, signed_in, text_field
from bot.console.auth import ApiError
from bot.console.reports_api import query_date, reports_of
from bot.handoff.models import Role
from bot.reports.learning import MAX_TURNS, REASONS, ExportError, TurnNotFound, domain_intents


@signed_in(Role.ADMIN)
async def turns(request: Request) -> HTTPResponse:
    reports = reports_of(request)
    first, last = reports.date_range(query_date(request, "from"), query_date(request, "to"))
    found = await blocking(reports.learning.turns, first, last)
    body: Dict[str, Any] = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "reasons": list(REASONS),
        "intents": list(domain_intents()),
        "turns": found,
    }
    return json_response(body)


@signed_in(Role.ADMIN)
async def export(request: Request) -> HTTPResponse:
    """The chosen turns as examples of one intent, in data/nlu's YAML, for a content lead to review and commit."""
    data = json_body(request)
    intent = text_field(data, "intent", 100)
    chosen = data.get("turns")
    if not isinstance(chosen, list) or not chosen or len(chosen) > MAX_TURNS:
        raise ApiError(422, f"'turns' must be a list of 1 to {MAX_TURNS} turn ids.")
    ids = [body_id(value, "turns", "a turn") for value in chosen]
    try:
        text = await blocking(reports_of(request).learning.export, ids, intent)
    except TurnNotFound as error:
        raise ApiError(404, str(error)) from error
    except ExportError as error:
        raise ApiError(422, str(error)) from error
    return json_response({"intent": intent, "examples": len(set(ids)), "yaml": text})


ROUTES: List[Tuple[str, str, Handler]] = [
    ("GET", "/api/learning", turns),
    ("POST", "/api/learning/export", export),
]
