"""Console routes for the admins' reports (bot/reports): JSON for the page, CSV for a spreadsheet."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Tuple

from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response
from sanic.response import text as text_response

from bot.console.api import Handler, blocking, console, query_day, signed_in
from bot.console.auth import ApiError
from bot.handoff.models import Role
from bot.reports.export import to_csv
from bot.reports.service import Reports


def query_date(request: Request, name: str) -> Optional[dt.date]:
    return query_day(request.get_args(keep_blank_values=True), name)  # an empty value is refused


def reports_of(request: Request) -> Reports:
    reports = console(request).handoffs.reports
    if reports is None:
        raise ApiError(503, "Reports are not available on this server.")
    return reports


async def _report(request: Request) -> Dict[str, Any]:
    reports = reports_of(request)
    return await blocking(reports.report, query_date(request, "from"), query_date(request, "to"))


@signed_in(Role.ADMIN)
async def report(request: Request) -> HTTPResponse:
    return json_response(await _report(request))


@signed_in(Role.ADMIN)
async def report_csv(request: Request) -> HTTPResponse:
    figures = await _report(request)
    name = f"helpline-report-{figures['from']}-to-{figures['to']}.csv"
    return text_response(
        to_csv(figures),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


ROUTES: List[Tuple[str, str, Handler]] = [
    ("GET", "/api/reports", report),
    ("GET", "/api/reports.csv", report_csv),
]
