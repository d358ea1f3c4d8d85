"""Builds the nurse console's Sanic app: the JSON API, the live feed and the web page, all from one factory."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, Sequence

import yaml
from sanic import Sanic
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import BaseHTTPResponse, HTTPResponse, file, redirect
from sanic.response import json as json_response
from sqlalchemy.exc import OperationalError

from bot import bootstrap
from bot.client_address import parse_networks
from bot.console import api, routes
from bot.console.auth import COOKIE_NAME, ApiError, Tokens, clear_session_cookie
from bot.console.replies import load_replies
from bot.console.throttle import SignInThrottle
from bot.handoff.factory import Handoffs
from bot.handoff.nurses import AccountError
from bot.handoff.service import HandoffError

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
OPENAPI_FILE = HERE / "openapi.yaml"
REQUEST_MAX_BYTES = 64 * 1024
SHUTDOWN_GRACE_SECONDS = 3.0  # live-feed streams never go idle; browsers reconnect by themselves

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
STATUS_MESSAGES = {
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    408: "The request took too long to arrive.",
    413: "The request is too large.",
}


def load_openapi(path: Path = OPENAPI_FILE) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    if not isinstance(spec, dict) or "paths" not in spec:
        raise ValueError(f"{path} is not an OpenAPI document")
    return spec


def error_response(request: Request, exception: Exception) -> HTTPResponse:
    """Every failure becomes `{"error": message}`; only a fault of ours is a 500, and it is logged."""
    headers: Dict[str, str] = {}
    if isinstance(exception, ApiError):
        status, message, headers = exception.status, exception.message, exception.headers
    elif isinstance(exception, HandoffError):
        status, message = exception.status, str(exception)
    elif isinstance(exception, AccountError):
        status, message = 422, str(exception)
    elif isinstance(exception, SanicException):
        status = exception.status_code
        headers = dict(getattr(exception, "headers", None) or {})  # e.g. Allow on a 405
        message = STATUS_MESSAGES.get(status) or str(exception) or "The request could not be handled."
        if status == 405:
            message = f"{request.path} does not accept {request.method}."
    elif isinstance(exception, OperationalError):
        logger.exception("database unavailable during %s %s", request.method, request.path)
        status, message = 503, "The database is busy or unavailable. Please try again in a moment."
    else:
        logger.exception("unexpected error during %s %s", request.method, request.path)
        status, message = 500, "Something went wrong on the server. It has been logged; please try again."
    response = json_response({"error": message}, status=status, headers=headers)
    if status == 401 and COOKIE_NAME in request.cookies:
        clear_session_cookie(response, request)
    return response


def add_security_headers(request: Request, response: BaseHTTPResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    else:
        response.headers.setdefault("Cache-Control", "no-cache")


def create_app(
    handoffs: Handoffs,
    secret: bytes,
    session_hours: float,
    name: str = "helpline_console",
    trusted_proxies: Sequence[str] = (),
) -> Sanic:
    """A new app per call; `name` must be unique within a process (Sanic keeps a registry of app names)."""
    wording = bootstrap.root().wording
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = REQUEST_MAX_BYTES
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = SHUTDOWN_GRACE_SECONDS
    app.ctx.console = api.Console(
        handoffs=handoffs,
        tokens=Tokens(secret, session_hours),
        throttle=SignInThrottle(),
        spec=load_openapi(),
        wording=wording,
        saved_replies=load_replies(wording),
        proxies=parse_networks(trusted_proxies),
    )

    routes.register(app)

    async def root(request: Request) -> HTTPResponse:
        return redirect("/console")

    async def page(request: Request) -> HTTPResponse:
        return await file(STATIC_DIR / "index.html", mime_type="text/html; charset=utf-8")

    app.add_route(root, "/", methods=["GET"], name="root")
    app.add_route(page, "/console", methods=["GET"], name="console_page")
    app.static("/console/static", str(STATIC_DIR), name="console_static")

    app.error_handler.add(Exception, error_response)
    app.register_middleware(add_security_headers, "response")
    return app
