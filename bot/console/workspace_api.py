"""Console routes for working as a team: who is signed in and available, passing a chat on, and internal notes.

A nurse transfers a chat they look after to a signed-in colleague, or back to the queue, with a note for
whoever takes it. Internal notes are for nurses only: they are never sent to the person (bot/handoff/notes.py).
Admins keep their own routes to release or reassign any chat (journey_api.py).
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from bot.console.api import (
    Handler,
    blocking,
    body_id,
    console,
    handoff_json,
    json_body,
    note_json,
    optional_text,
    path_id,
    signed_in,
    text_field,
)
from bot.console.auth import ApiError
from bot.console.handoffs_api import as_claiming_nurse, load_detail, not_yours
from bot.console.journey_api import claims
from bot.handoff.availability import NurseAvailability
from bot.handoff.claims import NotSignedIn
from bot.handoff.models import Availability
from bot.handoff.notes import HandoffNotes
from bot.handoff.nurses import TeamMember
from bot.handoff.service import Conflict, HandoffError, NotFound
from bot.limits import MAX_NOTE_CHARS

ALREADY_YOURS = "You are already looking after this conversation: choose a colleague, or the queue."


def team_json(member: TeamMember) -> Dict[str, Any]:
    return {
        "id": member.id,
        "display_name": member.display_name,
        "role": member.role,
        "active": member.active,
        "signed_in": member.signed_in,
        "availability": member.availability,
    }


@signed_in()
async def team(request: Request) -> HTTPResponse:
    """Every colleague by name, and who is signed in now: whom a chat can be passed to, and whom to search by."""
    members = await blocking(console(request).handoffs.accounts.team)
    return json_response({"nurses": [team_json(member) for member in members]})


@signed_in()
async def transfer(request: Request, handoff_id: str) -> HTTPResponse:
    """To a signed-in colleague (`nurse_id`), or back to the queue (no `nurse_id`), with an optional note."""
    number = path_id(handoff_id, "conversation")
    data = json_body(request)
    raw = data.get("nurse_id")
    target = None if raw is None else body_id(raw, "nurse_id", "a signed-in colleague")
    note = optional_text(data, "note", MAX_NOTE_CHARS)
    nurse = request.ctx.nurse
    if target == nurse.id:
        raise ApiError(409, ALREADY_YOURS)
    try:
        view = await blocking(claims(console(request)).transfer, number, nurse.id, target, note)
    except NotSignedIn as error:
        raise ApiError(409, f"{error.name} is not signed in to the console, so cannot take it now.") from error
    except NotFound as error:
        raise ApiError(404, f"There is no conversation with id {number}.") from error
    except Conflict as error:
        current, _ = await load_detail(request, number)
        raise not_yours(current, nurse, "pass it on") from error
    except HandoffError as error:  # a well-formed id that names no active nurse: not found, like the conversation
        raise ApiError(404, f"There is no active nurse with id {target}.") from error
    return json_response({"handoff": handoff_json(view)})


@signed_in()
async def add_note(request: Request, handoff_id: str) -> HTTPResponse:
    """An internal note by the nurse looking after the conversation: shown to nurses, kept in the audit trail."""
    number = path_id(handoff_id, "conversation")
    text = text_field(json_body(request), "text", MAX_NOTE_CHARS)
    notes = HandoffNotes(console(request).handoffs.service)
    note = await as_claiming_nurse(request, number, "add a note", notes.add, text)
    return json_response({"note": note_json(note)}, status=201)


@signed_in()
async def set_availability(request: Request) -> HTTPResponse:
    """The nurse's own availability: `available` nurses are alerted when someone urgent arrives, `away` ones are not."""
    chosen = json_body(request).get("availability")
    if chosen not in tuple(Availability):
        raise ApiError(422, f"'availability' must be one of {', '.join(Availability)}.")
    availability = NurseAvailability(console(request).handoffs.service)
    return json_response({"availability": await blocking(availability.set, request.ctx.nurse.id, chosen)})


ROUTES: List[Tuple[str, str, Handler]] = [
    ("GET", "/api/team", team),
    ("POST", "/api/me/availability", set_availability),
    ("POST", "/api/handoffs/<handoff_id>/transfer", transfer),
    ("POST", "/api/handoffs/<handoff_id>/notes", add_note),
]
