"""The console's JSON API: thin handlers that validate input, call the handoff services in a thread, and say why."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
from dataclasses import dataclass
from typing import Any, Callable, Coroutine, Dict, List, Optional, Tuple, TypeVar

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from bot.client_address import Network, client_address
from bot.console.auth import (
    ApiError,
    Tokens,
    clear_session_cookie,
    nurse_json,
    set_session_cookie,
    token_from,
)
from bot.console.events import event_stream, parse_last_event_id
from bot.console.meta import page_meta
from bot.console.replies import SavedReply, render
from bot.console.throttle import SignInThrottle, Throttled
from bot.handoff.factory import Handoffs
from bot.handoff.left_messages import message_text
from bot.handoff.nurses import MIN_PASSWORD, AccountError, NurseView
from bot.handoff.service import Conflict, HandoffView, MessageView, NotFound, QueueItem
from bot.limits import MAX_OUTCOME_CHARS, MAX_PAUSE_MESSAGE_CHARS, MAX_REPLY_CHARS
from bot.wording import Wording

T = TypeVar("T")
Handler = Callable[..., Coroutine[Any, Any, Optional[HTTPResponse]]]

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MAX_ID_DIGITS = 18  # below 2**63, so the database never sees an integer it cannot store
MAX_ID = 10**MAX_ID_DIGITS - 1
MAX_PASSWORD = 1024
TRIMMED = " \t\n\r\f\v"  # the OpenAPI document's `Text`: the same characters, so both agree on "empty"
ENDED = {
    "returned": "This conversation has already been handed back to the bot.",
    "closed": "This conversation has already been closed.",
    "cancelled": "The person has left this conversation.",
}
CLAIMED_BY_ANOTHER = "Another nurse has already claimed this conversation."
SESSION_ENDED = "This session has ended. Please sign in again."


@dataclass(frozen=True)
class Console:
    """What every handler needs, stored on app.ctx by create_app."""

    handoffs: Handoffs
    tokens: Tokens
    throttle: SignInThrottle
    spec: Dict[str, Any]
    wording: Wording
    saved_replies: Tuple[SavedReply, ...]
    proxies: Tuple[Network, ...] = ()  # whose X-Forwarded-For is believed (bot/client_address.py)


def console(request: Request) -> Console:
    return request.app.ctx.console


async def blocking(function: Callable[..., T], *args: Any) -> T:
    """Database and password-hashing calls block; run them off the event loop."""
    return await asyncio.to_thread(function, *args)


# ----- serialisation -----


def iso(value: Optional[dt.datetime]) -> Optional[str]:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)  # SQLite returns stored UTC times without a zone
    return value.isoformat()


def handoff_json(view: HandoffView) -> Dict[str, Any]:
    return {
        "id": view.id,
        "conversation_id": view.conversation_id,
        "channel": view.channel,
        "kind": view.kind,
        "state": view.state,
        "priority": view.priority,
        "reason": view.reason,
        "created_at": iso(view.created_at),
        "claimed_at": iso(view.claimed_at),
        "claimed_by": view.claimed_by,
        "claimed_by_name": view.claimed_by_name,
        "ended_at": iso(view.ended_at),
        "outcome": view.outcome,
        "away_since": iso(view.away_since),
        "last_seen_at": iso(view.last_seen_at),
    }


def message_json(message: MessageView) -> Dict[str, Any]:
    return {
        "id": message.id,
        "author": message.author,
        "text": message.text,
        "created_at": iso(message.created_at),
        "nurse_name": message.nurse_name,
        "context": message.context,
    }


def queue_json(item: QueueItem) -> Dict[str, Any]:
    return {
        "id": item.handoff.id,
        "position": item.position,
        "priority": item.handoff.priority,
        "reason": item.handoff.reason,
        "channel": item.handoff.channel,
        "waiting_seconds": round(max(item.waiting_seconds, 0.0), 1),
        "last_message": item.last_message,
        "burst": item.burst,  # urgent requests that arrived together, this one included; 0 when not a burst
        "created_at": iso(item.handoff.created_at),
        "away_since": iso(item.handoff.away_since),  # the person's web chat closed
    }


def account_json(nurse: NurseView) -> Dict[str, Any]:
    return {
        **nurse_json(nurse),
        "active": nurse.active,
        "created_at": iso(nurse.created_at),
        "last_signed_in_at": iso(nurse.last_signed_in_at),
    }


# ----- input -----


def json_body(request: Request) -> Dict[str, Any]:
    raw = request.body
    if not raw or not raw.strip():
        raise ApiError(400, "The request body is empty; it must be a JSON object.")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ApiError(400, f"The request body is not valid JSON: {error.msg} at position {error.pos}.") from error
    except (ValueError, RecursionError) as error:
        raise ApiError(400, "The request body is not valid JSON.") from error
    if not isinstance(data, dict):
        raise ApiError(400, 'The request body must be a JSON object, like {"text": "..."}.')
    return data


def text_field(
    data: Dict[str, Any], name: str, max_length: int, *, strip: bool = True, default: Optional[str] = None
) -> str:
    value = data.get(name, default)
    if value is None:
        raise ApiError(422, f"'{name}' is required.")
    if not isinstance(value, str):
        raise ApiError(422, f"'{name}' must be a string.")
    if len(value) > max_length:  # before trimming, as the OpenAPI document says
        raise ApiError(422, f"'{name}' must be at most {max_length} characters.")
    if "\x00" in value:
        raise ApiError(422, f"'{name}' must not contain NUL characters.")
    if strip:
        value = value.strip(TRIMMED)
    if not value:
        raise ApiError(422, f"'{name}' must not be empty.")
    return value


def path_id(raw: str, what: str) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > MAX_ID_DIGITS or int(raw) == 0:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise ApiError(404, f"There is no {what} with id {shown!r}: ids are whole numbers from 1.")
    return int(raw)


def body_id(value: Any, field: str, what: str) -> int:
    """An id sent in a JSON body: a whole number from 1 that the database can hold, like a path's."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_ID:
        raise ApiError(422, f"'{field}' must be the id of {what}, a whole number from 1.")
    return value


# ----- authentication -----


async def signed_in_nurse(request: Request) -> NurseView:
    """The active nurse behind the request's token; the account is re-read so deactivation applies at once."""
    token, from_cookie = token_from(request)
    if token is None:
        raise ApiError(401, "Please sign in.")
    claims = console(request).tokens.decode(token)
    nurse = await blocking(console(request).handoffs.accounts.get, claims.nurse_id)
    if nurse is None or not nurse.active:
        raise ApiError(401, "This account is not active. Please ask an administrator.")
    if claims.version != nurse.token_version:
        raise ApiError(401, SESSION_ENDED)
    if from_cookie and request.method not in SAFE_METHODS:
        if request.headers.get("sec-fetch-site", "same-origin") in ("cross-site", "same-site"):
            raise ApiError(403, "Requests from other sites are not accepted.")
    request.ctx.nurse = nurse
    request.ctx.expires_at = claims.expires_at
    return nurse


def signed_in(role: Optional[str] = None) -> Callable[[Handler], Handler]:
    """Route decorator: 401 without a valid session, 403 when the account lacks `role`."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: Request, *args: Any, **kwargs: Any) -> Optional[HTTPResponse]:
            nurse = await signed_in_nurse(request)
            if role is not None and nurse.role != role:
                raise ApiError(403, "Only an administrator can do this.")
            return await handler(request, *args, **kwargs)

        return guarded

    return decorate


# ----- sign-in -----


async def login(request: Request) -> HTTPResponse:
    data = json_body(request)
    username = text_field(data, "username", 80)
    password = text_field(data, "password", MAX_PASSWORD, strip=False)
    app = console(request)
    address = client_address(request.ip, request.headers.get("x-forwarded-for"), app.proxies)
    account = username.lower()
    try:
        app.throttle.check(address, account)
    except Throttled as throttled:
        raise _too_many(throttled) from None
    async with app.throttle.checking():
        nurse = await blocking(app.handoffs.accounts.authenticate, username, password)
    if nurse is None:
        app.throttle.failed(address, account)
        raise ApiError(401, "The username or password is not right.")
    app.throttle.succeeded(address, account)
    token, expires = app.tokens.issue(nurse)
    from bot.console import journey_api

    await blocking(journey_api.signed_in, app, nurse.id, expires)  # a claim outliving the session goes back
    response = json_response({"nurse": nurse_json(nurse), "token": token, "expires_at": iso(expires)})
    set_session_cookie(response, request, token, app.tokens.lifetime)
    return response


def _too_many(throttled: Throttled) -> ApiError:
    if throttled.overall:
        message = "Too many people are signing in at once. Please try again in a moment."
    else:
        minutes = max(1, round(throttled.wait / 60))
        wait = f"{minutes} minute{'s' if minutes != 1 else ''}" if throttled.wait >= 60 else "a moment"
        message = f"Too many failed sign-ins. Please wait {wait} and try again."
    return ApiError(429, message, {"Retry-After": str(throttled.wait)})


@signed_in()
async def logout(request: Request) -> HTTPResponse:
    """Ends the session for good: every token of this account so far stops working, not only the cookie."""
    await blocking(console(request).handoffs.accounts.end_sessions, request.ctx.nurse.id)
    from bot.console import journey_api

    await blocking(journey_api.signed_out, console(request), request.ctx.nurse.id)
    response = json_response({"signed_out": True})
    clear_session_cookie(response, request)
    return response


@signed_in()
async def me(request: Request) -> HTTPResponse:
    return json_response({"nurse": nurse_json(request.ctx.nurse), "expires_at": iso(request.ctx.expires_at)})


@signed_in()
async def meta(request: Request) -> HTTPResponse:
    """The words for channels, states, authors, priorities and roles, and the input limits: the page copies none."""
    return json_response(page_meta())


# ----- the queue and conversations -----


@signed_in()
async def queue(request: Request) -> HTTPResponse:
    items = await blocking(console(request).handoffs.service.queue)
    return json_response({"queue": [queue_json(item) for item in items]})


@signed_in()
async def mine(request: Request) -> HTTPResponse:
    """The conversations the signed-in nurse has claimed, kept on the server so any computer shows them."""
    nurse = await signed_in_nurse(request)
    views = await blocking(console(request).handoffs.service.claimed_by_nurse, nurse.id)
    return json_response({"handoffs": [handoff_json(view) for view in views]})


async def _detail(request: Request, handoff_id: int) -> Tuple[HandoffView, List[MessageView]]:
    try:
        return await blocking(console(request).handoffs.service.detail, handoff_id)
    except NotFound as error:
        raise ApiError(404, f"There is no conversation with id {handoff_id}.") from error


def _not_yours(view: HandoffView, nurse: NurseView, action: str) -> ApiError:
    """Explains a 409 from the handoff's state now, in words a nurse can act on."""
    if view.state in ENDED:
        return ApiError(409, ENDED[view.state])
    if view.state == "waiting":
        return ApiError(409, f"Claim this conversation before you {action}.")
    if view.claimed_by != nurse.id:
        name = view.claimed_by_name or "another nurse"
        return ApiError(409, f"{name} is looking after this conversation, so you cannot {action}.")
    return ApiError(409, "This conversation changed while you were working on it. Please look again.")


@signed_in()
async def handoff_detail(request: Request, handoff_id: str) -> HTTPResponse:
    view, messages = await _detail(request, path_id(handoff_id, "conversation"))
    return json_response({"handoff": handoff_json(view), "messages": [message_json(m) for m in messages]})


@signed_in()
async def claim(request: Request, handoff_id: str) -> HTTPResponse:
    number = path_id(handoff_id, "conversation")
    nurse = request.ctx.nurse
    try:
        view = await blocking(console(request).handoffs.service.claim, number, nurse.id)
    except NotFound as error:
        raise ApiError(404, f"There is no conversation with id {number}.") from error
    except Conflict as error:
        current, _ = await _detail(request, number)
        if current.state == "claimed" and current.claimed_by == nurse.id:
            return json_response({"handoff": handoff_json(current)})  # a second click by the winner
        if current.state == "claimed":
            raise ApiError(409, CLAIMED_BY_ANOTHER) from error
        raise ApiError(409, ENDED.get(current.state, "This conversation cannot be claimed now.")) from error
    return json_response({"handoff": handoff_json(view)})


async def _as_claiming_nurse(request: Request, number: int, action: str, call: Callable[..., T], *args: Any) -> T:
    """Runs a step only the nurse who claimed the conversation may take, with the console's error messages."""
    nurse = request.ctx.nurse
    try:
        return await blocking(call, number, nurse.id, *args)
    except NotFound as error:
        raise ApiError(404, f"There is no conversation with id {number}.") from error
    except Conflict as error:
        current, _ = await _detail(request, number)
        raise _not_yours(current, nurse, action) from error


@signed_in()
async def reply(request: Request, handoff_id: str) -> HTTPResponse:
    number = path_id(handoff_id, "conversation")
    text = text_field(json_body(request), "text", MAX_REPLY_CHARS)
    service = console(request).handoffs.service
    message = await _as_claiming_nurse(request, number, "reply", service.reply, text)
    return json_response({"message": message_json(message)}, status=201)


@signed_in()
async def hand_back(request: Request, handoff_id: str) -> HTTPResponse:
    number = path_id(handoff_id, "conversation")
    service = console(request).handoffs.service
    view = await _as_claiming_nurse(request, number, "hand it back", service.hand_back)
    return json_response({"handoff": handoff_json(view)})


@signed_in()
async def close(request: Request, handoff_id: str) -> HTTPResponse:
    number = path_id(handoff_id, "conversation")
    outcome = text_field(json_body(request), "outcome", MAX_OUTCOME_CHARS)
    service = console(request).handoffs.service
    view = await _as_claiming_nurse(request, number, "close it", service.close, outcome)
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


# ----- live events -----


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


# ----- administration -----


@signed_in("admin")
async def list_nurses(request: Request) -> HTTPResponse:
    nurses = await blocking(console(request).handoffs.accounts.list)
    return json_response({"nurses": [account_json(n) for n in nurses]})


@signed_in("admin")
async def create_nurse(request: Request) -> HTTPResponse:
    data = json_body(request)
    username = text_field(data, "username", 80)
    display_name = text_field(data, "display_name", 120)
    password = text_field(data, "password", MAX_PASSWORD, strip=False)
    role = text_field(data, "role", 10, default="nurse")
    if len(password) < MIN_PASSWORD:
        raise ApiError(422, f"'password' must be at least {MIN_PASSWORD} characters.")
    try:
        nurse = await blocking(console(request).handoffs.accounts.create, username, display_name, password, role)
    except AccountError as error:
        raise ApiError(409 if "already taken" in str(error) else 422, str(error)) from error
    return json_response({"nurse": account_json(nurse)}, status=201)


async def _set_active(request: Request, nurse_id: str, active: bool) -> HTTPResponse:
    number = path_id(nurse_id, "nurse")
    if not active and number == request.ctx.nurse.id:
        raise ApiError(409, "You cannot deactivate your own account.")
    try:
        nurse = await blocking(console(request).handoffs.accounts.set_active, number, active)
    except AccountError as error:
        raise ApiError(404, f"There is no nurse with id {number}.") from error
    return json_response({"nurse": account_json(nurse)})


def _new_password(data: Dict[str, Any], name: str) -> str:
    password = text_field(data, name, MAX_PASSWORD, strip=False)
    if len(password) < MIN_PASSWORD:
        raise ApiError(422, f"'{name}' must be at least {MIN_PASSWORD} characters.")
    return password


@signed_in("admin")
async def reset_password(request: Request, nurse_id: str) -> HTTPResponse:
    """An admin sets a nurse's password; every session of that account ends."""
    number = path_id(nurse_id, "nurse")
    if number == request.ctx.nurse.id:
        raise ApiError(409, "To change your own password, give the current one (POST /api/me/password).")
    password = _new_password(json_body(request), "password")
    try:
        nurse = await blocking(console(request).handoffs.accounts.set_password, number, password)
    except AccountError as error:
        raise ApiError(404, f"There is no nurse with id {number}.") from error
    return json_response({"nurse": account_json(nurse)})


@signed_in()
async def change_own_password(request: Request) -> HTTPResponse:
    """Needs the current password; then every session ends, this one too, and the nurse signs in again."""
    data = json_body(request)
    current = text_field(data, "current_password", MAX_PASSWORD, strip=False)
    new = _new_password(data, "new_password")
    try:
        await blocking(console(request).handoffs.accounts.change_own_password, request.ctx.nurse.id, current, new)
    except AccountError as error:
        raise ApiError(403, "The current password is not right.") from error
    response = json_response({"signed_out": True})
    clear_session_cookie(response, request)
    return response


@signed_in("admin")
async def deactivate_nurse(request: Request, nurse_id: str) -> HTTPResponse:
    return await _set_active(request, nurse_id, False)


@signed_in("admin")
async def activate_nurse(request: Request, nurse_id: str) -> HTTPResponse:
    return await _set_active(request, nurse_id, True)


def _statistics(app: Console) -> Dict[str, Any]:
    """Today starts at midnight in the helpline's time zone; the service compares stored UTC times."""
    now = app.handoffs.clock()
    tz = app.handoffs.hours.tz
    midnight = dt.datetime.combine(now.astimezone(tz).date(), dt.time(0), tz).astimezone(dt.timezone.utc)
    week = (now - dt.timedelta(days=7)).astimezone(dt.timezone.utc)
    service = app.handoffs.service
    return {
        "today": {"since": iso(midnight), **service.wait_statistics(midnight)},
        "last_7_days": {"since": iso(week), **service.wait_statistics(week)},
    }


@signed_in("admin")
async def statistics(request: Request) -> HTTPResponse:
    return json_response(await blocking(_statistics, console(request)))


def _content_review(app: Console) -> Dict[str, Any]:
    """Every stored entry with its sources and review dates, overdue first; "today" is the helpline's date."""
    today = app.handoffs.clock().astimezone(app.handoffs.hours.tz).date()
    items = app.handoffs.content.items()
    return {
        "today": today.isoformat(),
        "entries": len(items),
        "overdue": sum(item.overdue(today) for item in items),
        "items": [
            {
                "id": item.id,
                "topic": item.topic,
                "question": item.question,
                "documents": list(item.documents),
                "last_reviewed": item.last_reviewed.isoformat(),
                "next_review_due": item.next_review_due.isoformat(),
                "review_status": item.review_status,
                "overdue": item.overdue(today),
            }
            for item in items
        ],
    }


@signed_in()
async def saved_replies(request: Request) -> HTTPResponse:
    """The nurses' saved replies, with the helpline's number and hours filled in as they are now."""
    app = console(request)
    hours = app.handoffs.hours
    return json_response(
        {"replies": [{"id": r.id, "title": r.title, "text": render(r, app.wording, hours)} for r in app.saved_replies]}
    )


def _pause_json(app: Console) -> Dict[str, Any]:
    pause = app.handoffs.pause.current()
    if pause is None:
        return {"paused": False}
    return {
        "paused": True,
        "message": pause.message,
        "paused_at": iso(pause.paused_at),
        "paused_by": pause.paused_by_name,
    }


@signed_in()
async def pause_state(request: Request) -> HTTPResponse:
    return json_response(await blocking(_pause_json, console(request)))


@signed_in("admin")
async def pause_new_chats(request: Request) -> HTTPResponse:
    """New chats stop at once in every process; people who ask for a nurse are told `message`, offered to leave one."""
    message = text_field(json_body(request), "message", MAX_PAUSE_MESSAGE_CHARS)
    app = console(request)
    await blocking(app.handoffs.pause.pause, request.ctx.nurse.id, message)
    return json_response(await blocking(_pause_json, app), status=201)


@signed_in("admin")
async def resume_new_chats(request: Request) -> HTTPResponse:
    app = console(request)
    await blocking(app.handoffs.pause.resume, request.ctx.nurse.id)
    return json_response(await blocking(_pause_json, app))


@signed_in("admin")
async def content_review(request: Request) -> HTTPResponse:
    return json_response(await blocking(_content_review, console(request)))


async def openapi(request: Request) -> HTTPResponse:
    return json_response(console(request).spec)


ROUTES: List[Tuple[str, str, Handler]] = [
    ("POST", "/api/login", login),
    ("POST", "/api/logout", logout),
    ("GET", "/api/me", me),
    ("GET", "/api/meta", meta),
    ("GET", "/api/queue", queue),
    ("GET", "/api/mine", mine),
    ("GET", "/api/handoffs/<handoff_id>", handoff_detail),
    ("POST", "/api/handoffs/<handoff_id>/claim", claim),
    ("POST", "/api/handoffs/<handoff_id>/reply", reply),
    ("POST", "/api/handoffs/<handoff_id>/hand-back", hand_back),
    ("POST", "/api/handoffs/<handoff_id>/close", close),
    ("GET", "/api/messages", left_messages),
    ("GET", "/api/events", events),
    ("GET", "/api/nurses", list_nurses),
    ("POST", "/api/nurses", create_nurse),
    ("POST", "/api/nurses/<nurse_id>/deactivate", deactivate_nurse),
    ("POST", "/api/nurses/<nurse_id>/activate", activate_nurse),
    ("POST", "/api/nurses/<nurse_id>/password", reset_password),
    ("POST", "/api/me/password", change_own_password),
    ("GET", "/api/content", content_review),
    ("GET", "/api/replies", saved_replies),
    ("GET", "/api/pause", pause_state),
    ("POST", "/api/pause", pause_new_chats),
    ("POST", "/api/pause/resume", resume_new_chats),
    ("GET", "/api/stats", statistics),
    ("GET", "/api/openapi.json", openapi),
]


def register(app: Sanic) -> None:
    from bot.console import journey_api  # its handlers use this module's helpers

    for method, uri, handler in ROUTES + journey_api.ROUTES:
        app.add_route(handler, uri, methods=[method], name=f"{handler.__name__}_{method.lower()}")
