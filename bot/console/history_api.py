"""Console route for past conversations: a page of those that have ended, filtered as the nurse asks.

Dates are the helpline's own (config/helpline.yml's time zone), as nurses read them; each is a whole day.
Any signed-in nurse sees every past conversation, as the team shares them; retention bounds how far back.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Optional, Tuple

from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from bot.console.api import MAX_ID_DIGITS, Console, Handler, blocking, console, handoff_json, signed_in
from bot.console.auth import ApiError
from bot.console.meta import CHANNEL_NAMES
from bot.handoff.history import PAGE_SIZE, ConversationHistory, HistoryQuery
from bot.limits import MAX_OUTCOME_CHARS

MAX_PAGE = 10_000  # well past any retention period's worth of pages; keeps the offset small
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only, as JSON Schema's date
WHOLE_NUMBER = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")  # not int()'s other digits ("١")
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(9999, 12, 30)  # any day outside these holds no conversation


def _day(args: RequestParameters, name: str) -> Optional[dt.date]:
    raw = _one(args, name)
    if raw is None:
        return None
    try:
        if not DATE.fullmatch(raw):
            raise ValueError(raw)
        day = dt.date.fromisoformat(raw)
    except ValueError as error:
        raise ApiError(422, f"'{name}' must be a date, like 2026-12-03.") from error
    return min(max(day, EARLIEST), LATEST)


def _number(args: RequestParameters, name: str, highest: int) -> Optional[int]:
    raw = _one(args, name)
    if raw is None:
        return None
    if not WHOLE_NUMBER.fullmatch(raw) or not 1 <= int(raw) <= highest:
        raise ApiError(422, f"'{name}' must be a whole number from 1 to {highest}.")
    return int(raw)


def _one(args: RequestParameters, name: str) -> Optional[str]:
    """The parameter's first value; None when it is not given (an empty value is given, and checked)."""
    values = args.getlist(name)
    return values[0] if values else None


def _query(app: Console, args: RequestParameters) -> HistoryQuery:
    tz = app.handoffs.hours.tz
    first, last = _day(args, "from"), _day(args, "to")
    outcome = _one(args, "outcome")
    if outcome is not None and ("\x00" in outcome or len(outcome) > MAX_OUTCOME_CHARS):
        raise ApiError(422, f"'outcome' must be at most {MAX_OUTCOME_CHARS} characters, without NUL.")
    channel = _one(args, "channel")
    if channel is not None and channel not in CHANNEL_NAMES:
        raise ApiError(422, f"'channel' must be one of {', '.join(CHANNEL_NAMES)}.")
    return HistoryQuery(
        ended_from=dt.datetime.combine(first, dt.time(0), tz) if first else None,
        ended_before=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tz) if last else None,
        outcome=outcome or None,
        nurse_id=_number(args, "nurse_id", 10**MAX_ID_DIGITS - 1),
        channel=channel,
    )


def _search(app: Console, query: HistoryQuery, page: int) -> Dict[str, Any]:
    found = ConversationHistory(app.handoffs.service).search(query, page)
    return {
        "conversations": [handoff_json(view) for view in found.conversations],
        "page": found.page,
        "pages": found.pages,
        "total": found.total,
        "per_page": PAGE_SIZE,
    }


@signed_in()
async def history(request: Request) -> HTTPResponse:
    """Ended conversations, the latest first, by the days they ended (from, to: inclusive), outcome, nurse, channel."""
    args = request.get_args(keep_blank_values=True)  # an empty value is refused, not taken for no filter
    app = console(request)
    query = _query(app, args)
    page = _number(args, "page", MAX_PAGE) or 1
    return json_response(await blocking(_search, app, query, page))


ROUTES: List[Tuple[str, str, Handler]] = [
    ("GET", "/api/history", history),
]
