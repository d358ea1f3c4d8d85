"""Console routes for the session: sign in and out, who is signed in, the page's names and limits, own password."""

from __future__ import annotations

from typing import List, Tuple

from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from bot.client_address import client_address
from bot.console import journey_api
from bot.console.api import (
    MAX_PASSWORD,
    Handler,
    blocking,
    console,
    iso,
    json_body,
    new_password,
    signed_in,
    text_field,
)
from bot.console.auth import (
    ApiError,
    clear_session_cookie,
    nurse_json,
    set_session_cookie,
)
from bot.console.meta import page_meta
from bot.console.throttle import Throttled
from bot.handoff.nurses import AccountError


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


@signed_in()
async def change_own_password(request: Request) -> HTTPResponse:
    """Needs the current password; then every session ends, this one too, and the nurse signs in again."""
    data = json_body(request)
    current = text_field(data, "current_password", MAX_PASSWORD, strip=False)
    new = new_password(data, "new_password")
    try:
        await blocking(console(request).handoffs.accounts.change_own_password, request.ctx.nurse.id, current, new)
    except AccountError as error:
        raise ApiError(403, "The current password is not right.") from error
    response = json_response({"signed_out": True})
    clear_session_cookie(response, request)
    return response


ROUTES: List[Tuple[str, str, Handler]] = [
    ("POST", "/api/login", login),
    ("POST", "/api/logout", logout),
    ("GET", "/api/me", me),
    ("GET", "/api/meta", meta),
    ("POST", "/api/me/password", change_own_password),
]
