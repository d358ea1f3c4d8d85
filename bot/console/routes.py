"""Every route of the console's API in one table, from one module per concern; and the OpenAPI document's own."""

from __future__ import annotations

from typing import List, Tuple

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from bot.console import (
    admin_api,
    handoffs_api,
    history_api,
    inbox_api,
    journey_api,
    learning_api,
    reports_api,
    session_api,
    workspace_api,
)
from bot.console.api import Handler, console


async def openapi(request: Request) -> HTTPResponse:
    return json_response(console(request).spec)


ROUTES: List[Tuple[str, str, Handler]] = [
    *session_api.ROUTES,
    *handoffs_api.ROUTES,
    *inbox_api.ROUTES,
    *admin_api.ROUTES,
    *journey_api.ROUTES,
    *workspace_api.ROUTES,
    *history_api.ROUTES,
    *reports_api.ROUTES,
    *learning_api.ROUTES,
    ("GET", "/api/openapi.json", openapi),
]


def register(app: Sanic) -> None:
    for method, uri, handler in ROUTES:
        app.add_route(handler, uri, methods=[method], name=f"{handler.__name__}_{method.lower()}")
