"""Console routes for administration: accounts, waiting-time figures, content reviews, and pausing new chats."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Tuple

from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from bot.console.api import (
    MAX_PASSWORD,
    Console,
    Handler,
    account_json,
    blocking,
    console,
    iso,
    json_body,
    new_password,
    path_id,
    signed_in,
    text_field,
)
from bot.console.auth import ApiError
from bot.handoff.models import Role
from bot.handoff.nurses import MIN_PASSWORD, AccountError
from bot.limits import MAX_PAUSE_MESSAGE_CHARS


@signed_in(Role.ADMIN)
async def list_nurses(request: Request) -> HTTPResponse:
    nurses = await blocking(console(request).handoffs.accounts.list)
    return json_response({"nurses": [account_json(n) for n in nurses]})


@signed_in(Role.ADMIN)
async def create_nurse(request: Request) -> HTTPResponse:
    data = json_body(request)
    username = text_field(data, "username", 80)
    display_name = text_field(data, "display_name", 120)
    password = text_field(data, "password", MAX_PASSWORD, strip=False)
    role = text_field(data, "role", 10, default=Role.NURSE)
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


@signed_in(Role.ADMIN)
async def reset_password(request: Request, nurse_id: str) -> HTTPResponse:
    """An admin sets a nurse's password; every session of that account ends."""
    number = path_id(nurse_id, "nurse")
    if number == request.ctx.nurse.id:
        raise ApiError(409, "To change your own password, give the current one (POST /api/me/password).")
    password = new_password(json_body(request), "password")
    try:
        nurse = await blocking(console(request).handoffs.accounts.set_password, number, password)
    except AccountError as error:
        raise ApiError(404, f"There is no nurse with id {number}.") from error
    return json_response({"nurse": account_json(nurse)})


@signed_in(Role.ADMIN)
async def deactivate_nurse(request: Request, nurse_id: str) -> HTTPResponse:
    return await _set_active(request, nurse_id, False)


@signed_in(Role.ADMIN)
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


@signed_in(Role.ADMIN)
async def statistics(request: Request) -> HTTPResponse:
    return json_response(await blocking(_statistics, console(request)))


def _content_review(app: Console) -> Dict[str, Any]:
    """Every stored entry with its sources and review dates, overdue first; "today" is the helpline's date."""
    today = app.handoffs.clock().astimezone(app.handoffs.hours.tz).date()
    items = app.handoffs.content.items()
    use = app.handoffs.reports.content_use() if app.handoffs.reports is not None else {}
    unused = {"last_served": None, "helpful": 0, "not_helpful": 0}
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
                **use.get(item.id, unused),  # served in the last year; "Was this helpful?" there
            }
            for item in items
        ],
    }


@signed_in(Role.ADMIN)
async def content_review(request: Request) -> HTTPResponse:
    return json_response(await blocking(_content_review, console(request)))


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


@signed_in(Role.ADMIN)
async def pause_new_chats(request: Request) -> HTTPResponse:
    """New chats stop at once in every process; people who ask for a nurse are told `message`, offered to leave one."""
    message = text_field(json_body(request), "message", MAX_PAUSE_MESSAGE_CHARS)
    app = console(request)
    await blocking(app.handoffs.pause.pause, request.ctx.nurse.id, message)
    return json_response(await blocking(_pause_json, app), status=201)


@signed_in(Role.ADMIN)
async def resume_new_chats(request: Request) -> HTTPResponse:
    app = console(request)
    await blocking(app.handoffs.pause.resume, request.ctx.nurse.id)
    return json_response(await blocking(_pause_json, app))


ROUTES: List[Tuple[str, str, Handler]] = [
    ("GET", "/api/nurses", list_nurses),
    ("POST", "/api/nurses", create_nurse),
    ("POST", "/api/nurses/<nurse_id>/deactivate", deactivate_nurse),
    ("POST", "/api/nurses/<nurse_id>/activate", activate_nurse),
    ("POST", "/api/nurses/<nurse_id>/password", reset_password),
    ("GET", "/api/content", content_review),
    ("GET", "/api/pause", pause_state),
    ("POST", "/api/pause", pause_new_chats),
    ("POST", "/api/pause/resume", resume_new_chats),
    ("GET", "/api/stats", statistics),
]
