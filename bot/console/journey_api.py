"""Console routes for claims that outlive their nurse: the claimed chats (admins), release to the queue, pass on.

Sign-in and sign-out are recorded here too, so that the sweep (bot/handoff/sweeper.py) can put a
claim back in the queue when its nurse has gone. Replies to left messages use the ordinary reply route.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, List, Tuple

from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from bot.console import api
from bot.console.auth import ApiError
from bot.handoff.claims import Claims, Forbidden
from bot.handoff.models import Role
from bot.handoff.service import Conflict, HandoffError, NotFound
from bot.handoff.timing import JourneyTimes


def claims(app: api.Console) -> Claims:
    service = app.handoffs.service
    return Claims(service, service._wording, JourneyTimes.from_env())


def signed_in(app: api.Console, nurse_id: int, expires_at: dt.datetime) -> None:
    """Records when this session ends, on the handoff clock (the same as the token's, except under a test clock)."""
    lifetime = max(expires_at - dt.datetime.now(dt.timezone.utc), dt.timedelta(0))
    claims(app).signed_in(nurse_id, app.handoffs.clock() + lifetime)


def signed_out(app: api.Console, nurse_id: int) -> None:
    claims(app).signed_out(nurse_id)


def _explain(error: HandoffError, number: int) -> ApiError:
    if isinstance(error, NotFound):
        return ApiError(404, f"There is no conversation with id {number}.")
    if isinstance(error, Forbidden):
        return ApiError(403, "Only an administrator, or the nurse looking after it, can put it back in the queue.")
    if isinstance(error, Conflict):
        return ApiError(409, "Only a claimed conversation can be put back in the queue, and this one is not claimed.")
    return ApiError(error.status, str(error))


@api.signed_in(Role.ADMIN)
async def held(request: Request) -> HTTPResponse:
    """Every claimed conversation and whether its nurse is signed in now: an admin finds a stuck chat here."""
    rows = await api.blocking(claims(api.console(request)).held)
    return json_response({"handoffs": [{**api.handoff_json(view), "nurse_signed_in": on} for view, on in rows]})


@api.signed_in()
async def release(request: Request, handoff_id: str) -> HTTPResponse:
    """Back to the waiting queue now (an admin, or the nurse who has it)."""
    number = api.path_id(handoff_id, "conversation")
    nurse = request.ctx.nurse
    try:
        view = await api.blocking(claims(api.console(request)).release, number, nurse.id, nurse.role == Role.ADMIN)
    except HandoffError as error:
        raise _explain(error, number) from error
    return json_response({"handoff": api.handoff_json(view)})


@api.signed_in(Role.ADMIN)
async def reassign(request: Request, handoff_id: str) -> HTTPResponse:
    """Passes a waiting or claimed conversation to another active nurse (admins only)."""
    number = api.path_id(handoff_id, "conversation")
    data = api.json_body(request)
    target = api.body_id(data.get("nurse_id"), "nurse_id", "an active nurse")
    try:
        view = await api.blocking(claims(api.console(request)).reassign, number, request.ctx.nurse.id, target)
    except NotFound as error:
        raise ApiError(404, f"There is no conversation with id {number}.") from error
    except Conflict as error:
        raise ApiError(409, "This conversation has ended, so it cannot be passed to another nurse.") from error
    except HandoffError as error:  # a well-formed id that names no active nurse: not found, like the conversation
        raise ApiError(404, f"There is no active nurse with id {target}.") from error
    return json_response({"handoff": api.handoff_json(view)})


ROUTES: List[Tuple[str, str, Any]] = [
    ("GET", "/api/claimed", held),
    ("POST", "/api/handoffs/<handoff_id>/release", release),
    ("POST", "/api/handoffs/<handoff_id>/reassign", reassign),
]
