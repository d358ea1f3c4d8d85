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

from bot.console.api import (
    MAX_ID_DIGITS,
    Console,
    Handler,
    blocking,
    console,
    handoff_json,
    query_day,
    query_one,
    signed_in,
)
from bot.console.auth import ApiError
from bot.console.meta import CHANNEL_NAMES
from bot.handoff.history import PAGE_SIZE, ConversationHistory, HistoryQuery
from bot.limits import MAX_OUTCOME_CHARS

MAX_PAGE = 10_000  # well past any retention period's worth of pages; keeps the offset small
WHOLE_NUMBER = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")  # not int()'s other digits ("١")


def _number(args: RequestParameters, name: str, highest: int) -> Optional[int]:
    raw = query_one(args, name)
    if raw is None:
        return None
    if not WHOLE_NUMBER.fullmatch(raw) or not 1 <= int(raw) <= highest:
        raise ApiError(422, f"'{name}' must be a whole number from 1 to {highest}.")
    return int(raw)


def _query(app: Console, args: RequestParameters) -> HistoryQuery:
    tz = app.handoffs.hours.tz
    first, last = query_day(args, "from"), query_day(args, "to")
    outcome = query_one(args, "outcome")
    if outcome is not None and ("\x00" in outcome or len(outcome) > MAX_OUTCOME_CHARS):
        raise ApiError(422, f"'outcome' must be at most {MAX_OUTCOME_CHARS} characters, without NUL.")
    channel = query_one(args, "channel")
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
