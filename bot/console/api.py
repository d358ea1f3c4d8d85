"""The console API's shared parts: what handlers need, JSON for each view, checked input, and the sign-in guard."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Coroutine, Dict, Optional, Tuple, TypeVar

from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse

from bot.client_address import Network
from bot.console.auth import (
    ApiError,
    Tokens,
    nurse_json,
    token_from,
)
from bot.console.replies import SavedReply
from bot.console.throttle import SignInThrottle
from bot.handoff.factory import Handoffs
from bot.handoff.notes import NoteView
from bot.handoff.nurses import MIN_PASSWORD, NurseView
from bot.handoff.service import HandoffView, MessageView, QueueItem
from bot.wording import Wording

T = TypeVar("T")
Handler = Callable[..., Coroutine[Any, Any, Optional[HTTPResponse]]]

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MAX_ID_DIGITS = 18  # below 2**63, so the database never sees an integer it cannot store
MAX_ID = 10**MAX_ID_DIGITS - 1
MAX_PASSWORD = 1024
TRIMMED = " \t\n\r\f\v"  # the OpenAPI document's `Text`: the same characters, so both agree on "empty"
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
    return None if value is None else value.isoformat()


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
        "closing_note": view.closing_note,
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


def note_json(note: NoteView) -> Dict[str, Any]:
    return {
        "id": note.id,
        "text": note.text,
        "created_at": iso(note.created_at),
        "nurse_id": note.nurse_id,
        "nurse_name": note.nurse_name,
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


def optional_text(data: Dict[str, Any], name: str, max_length: int) -> Optional[str]:
    """A field that may be left out, null or blank (all meaning "none"); otherwise checked like `text_field`."""
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip(TRIMMED)):
        if isinstance(value, str) and len(value) > max_length:
            raise ApiError(422, f"'{name}' must be at most {max_length} characters.")
        return None
    return text_field(data, name, max_length)


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


def new_password(data: Dict[str, Any], name: str) -> str:
    password = text_field(data, name, MAX_PASSWORD, strip=False)
    if len(password) < MIN_PASSWORD:
        raise ApiError(422, f"'{name}' must be at least {MIN_PASSWORD} characters.")
    return password


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


DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only, as JSON Schema's date
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(9999, 12, 30)  # any day outside these holds no conversation


def query_one(args: RequestParameters, name: str) -> Optional[str]:
    """The parameter's first value; None when it is not given (an empty value is given, and checked)."""
    values = args.getlist(name)
    return values[0] if values else None


def query_day(args: RequestParameters, name: str) -> Optional[dt.date]:
    """A date parameter, within the days any conversation can have; 422 for anything else, an empty value too."""
    raw = query_one(args, name)
    if raw is None:
        return None
    try:
        if not DATE.fullmatch(raw):
            raise ValueError(raw)
        day = dt.date.fromisoformat(raw)
    except ValueError as error:
        raise ApiError(422, f"'{name}' must be a date, like 2026-12-03.") from error
    return min(max(day, EARLIEST), LATEST)
