"""Console routes for the work itself: the queue, one conversation and what a nurse does with it, and the live feed."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from bot.console.api import (
    SESSION_ENDED,
    Console,
    Handler,
    blocking,
    console,
    handoff_json,
    json_body,
    message_json,
    note_json,
    optional_text,
    path_id,
    queue_json,
    signed_in,
    text_field,
)
from bot.console.auth import ApiError
from bot.console.events import event_stream, parse_last_event_id
from bot.console.replies import render
from bot.handoff.earlier import earlier_conversations
from bot.handoff.inbox import Inbox
from bot.handoff.left_messages import message_text
from bot.handoff.models import State
from bot.handoff.notes import HandoffNotes
from bot.handoff.nurses import NurseView
from bot.handoff.service import Conflict, HandoffView, MessageView, NotFound
from bot.handoff.typing import Typing
from bot.limits import MAX_OUTCOME_CHARS, MAX_OUTCOME_NOTE_CHARS, MAX_REPLY_CHARS

T = TypeVar("T")

ENDED: Dict[str, str] = {
    State.RETURNED: "This conversation has already been handed back to the bot.",
    State.CLOSED: "This conversation has already been closed.",
    State.CANCELLED: "The person has left this conversation.",
}
CLAIMED_BY_ANOTHER = "Another nurse has already claimed this conversation."


@signed_in()
async def queue(request: Request) -> HTTPResponse:
    items = await blocking(console(request).handoffs.service.queue)
    return json_response({"queue": [queue_json(item) for item in items]})


async def load_detail(request: Request, handoff_id: int) -> Tuple[HandoffView, List[MessageView]]:
    try:
        return await blocking(console(request).handoffs.service.detail, handoff_id)
    except NotFound as error:
        raise ApiError(404, f"There is no conversation with id {handoff_id}.") from error


def not_yours(view: HandoffView, nurse: NurseView, action: str) -> ApiError:
    """Explains a 409 from the handoff's state now, in words a nurse can act on."""
    if view.state in ENDED:
        return ApiError(409, ENDED[view.state])
    if view.state == State.WAITING:
        return ApiError(409, f"Claim this conversation before you {action}.")
    if view.claimed_by != nurse.id:
        name = view.claimed_by_name or "another nurse"
        return ApiError(409, f"{name} is looking after this conversation, so you cannot {action}.")
    return ApiError(409, "This conversation changed while you were working on it. Please look again.")


@signed_in()
async def handoff_detail(request: Request, handoff_id: str) -> HTTPResponse:
    """The transcript, apart from it the nurses' internal notes (never for the person), and their earlier chats."""
    number = path_id(handoff_id, "conversation")
    view, messages = await load_detail(request, number)
    handoffs = console(request).handoffs
    notes = await blocking(HandoffNotes(handoffs.service).on, number)
    retention = dt.timedelta(days=handoffs.retention_days)
    earlier = await blocking(earlier_conversations, handoffs.service, number, retention)
    return json_response(
        {
            "handoff": handoff_json(view),
            "messages": [message_json(m) for m in messages],
            "notes": [note_json(n) for n in notes],
            "earlier": [handoff_json(e) for e in earlier],
        }
    )


@signed_in()
async def claim(request: Request, handoff_id: str) -> HTTPResponse:
    number = path_id(handoff_id, "conversation")
    nurse = request.ctx.nurse
    try:
        view = await blocking(console(request).handoffs.service.claim, number, nurse.id)
    except NotFound as error:
        raise ApiError(404, f"There is no conversation with id {number}.") from error
    except Conflict as error:
        current, _ = await load_detail(request, number)
        if current.state == State.CLAIMED and current.claimed_by == nurse.id:
            return json_response({"handoff": handoff_json(current)})  # a second click by the winner
        if current.state == State.CLAIMED:
            raise ApiError(409, CLAIMED_BY_ANOTHER) from error
        raise ApiError(409, ENDED.get(current.state, "This conversation cannot be claimed now.")) from error
    return json_response({"handoff": handoff_json(view)})


async def as_claiming_nurse(request: Request, number: int, action: str, call: Callable[..., T], *args: Any) -> T:
    """Runs a step only the nurse who claimed the conversation may take, with the console's error messages."""
    nurse = request.ctx.nurse
    try:
        return await blocking(call, number, nurse.id, *args)
    except NotFound as error:
        raise ApiError(404, f"There is no conversation with id {number}.") from error
    except Conflict as error:
        current, _ = await load_detail(request, number)
        raise not_yours(current, nurse, action) from error


@signed_in()
async def reply(request: Request, handoff_id: str) -> HTTPResponse:
    number = path_id(handoff_id, "conversation")
    text = text_field(json_body(request), "text", MAX_REPLY_CHARS)
    service = console(request).handoffs.service
    message = await as_claiming_nurse(request, number, "reply", service.reply, text)
    await blocking(Inbox(service).mark_read, number, request.ctx.nurse.id, message.id)  # replying, she has read it
    return json_response({"message": message_json(message)}, status=201)


@signed_in()
async def typing(request: Request, handoff_id: str) -> HTTPResponse:
    """The claiming nurse is typing a reply: the person's widget shows it (bot/handoff/typing.py)."""
    number = path_id(handoff_id, "conversation")
    typing = Typing(console(request).handoffs.service)
    await as_claiming_nurse(request, number, "reply", typing.nurse_typing)
    return response.empty(status=204)


@signed_in()
async def hand_back(request: Request, handoff_id: str) -> HTTPResponse:
    number = path_id(handoff_id, "conversation")
    service = console(request).handoffs.service
    view = await as_claiming_nurse(request, number, "hand it back", service.hand_back)
    return json_response({"handoff": handoff_json(view)})


@signed_in()
async def close(request: Request, handoff_id: str) -> HTTPResponse:
    number = path_id(handoff_id, "conversation")
    data = json_body(request)
    outcome = text_field(data, "outcome", MAX_OUTCOME_CHARS)
    note = optional_text(data, "note", MAX_OUTCOME_NOTE_CHARS)  # the closing note, stored apart from the outcome
    service = console(request).handoffs.service
    view = await as_claiming_nurse(request, number, "close it", service.close, outcome, note)
    return json_response({"handoff": handoff_json(view)})


def _left_messages(app: Console) -> List[Dict[str, Any]]:
    service = app.handoffs.service
    result = []
    for view in service.left_messages():
        _, messages = service.detail(view.id)
        result.append({**handoff_json(view), "text": message_text(messages)})  # without the conversation before it
    return result


@signed_in()
async def left_messages(request: Request) -> HTTPResponse:
    return json_response({"messages": await blocking(_left_messages, console(request))})


@signed_in()
async def events(request: Request) -> None:
    try:
        resume_after = parse_last_event_id(request.headers.get("last-event-id"))
    except ValueError as error:
        raise ApiError(400, str(error)) from error
    app = console(request)
    nurse_id = request.ctx.nurse.id
    expires_at = request.ctx.expires_at
    version = request.ctx.nurse.token_version

    async def signed_out() -> Optional[str]:
        if dt.datetime.now(dt.timezone.utc) >= expires_at:
            return "Your session has expired. Please sign in again."
        account = await blocking(app.handoffs.accounts.get, nurse_id)
        if account is None or not account.active:
            return "This account is not active. Please ask an administrator."
        if account.token_version != version:
            return SESSION_ENDED
        return None

    service = app.handoffs.service
    start = resume_after if resume_after is not None else await blocking(service.latest_event_id)
    response = await request.respond(
        content_type="text/event-stream; charset=utf-8",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
    async for chunk in event_stream(service.events_since, service.latest_event_id, start, signed_out):
        await response.send(chunk)
    await response.eof()


@signed_in()
async def saved_replies(request: Request) -> HTTPResponse:
    """The nurses' saved replies, with the helpline's number and hours filled in as they are now."""
    app = console(request)
    hours = app.handoffs.hours
    return json_response(
        {"replies": [{"id": r.id, "title": r.title, "text": render(r, app.wording, hours)} for r in app.saved_replies]}
    )


ROUTES: List[Tuple[str, str, Handler]] = [
    ("GET", "/api/queue", queue),
    ("GET", "/api/handoffs/<handoff_id>", handoff_detail),
    ("POST", "/api/handoffs/<handoff_id>/claim", claim),
    ("POST", "/api/handoffs/<handoff_id>/reply", reply),
    ("POST", "/api/handoffs/<handoff_id>/typing", typing),
    ("POST", "/api/handoffs/<handoff_id>/hand-back", hand_back),
    ("POST", "/api/handoffs/<handoff_id>/close", close),
    ("GET", "/api/messages", left_messages),
    ("GET", "/api/events", events),
    ("GET", "/api/replies", saved_replies),
]
