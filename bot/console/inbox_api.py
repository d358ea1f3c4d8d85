"""Console routes for a nurse's own conversations as an inbox: told apart by the person's last message, their wait
for an answer and an unread count; and marking a conversation read as the nurse views it (bot/handoff/inbox.py)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from bot.console.api import Handler, blocking, body_id, console, handoff_json, json_body, path_id, signed_in
from bot.console.handoffs_api import as_claiming_nurse
from bot.handoff.inbox import Inbox, InboxItem


def inbox_json(item: InboxItem) -> Dict[str, Any]:
    waited = item.waiting_seconds
    return {
        **handoff_json(item.handoff),
        "last_message": item.last_message,
        "waiting_seconds": None if waited is None else round(waited, 1),
        "unread": item.unread,
    }


@signed_in()
async def mine(request: Request) -> HTTPResponse:
    """The conversations the signed-in nurse has claimed, kept on the server so any computer shows them."""
    items = await blocking(Inbox(console(request).handoffs.service).mine, request.ctx.nurse.id)
    return json_response({"handoffs": [inbox_json(item) for item in items]})


@signed_in()
async def mark_read(request: Request, handoff_id: str) -> HTTPResponse:
    """The nurse looking after it has seen the transcript up to `message_id` (all of it when left out)."""
    number = path_id(handoff_id, "conversation")
    raw = json_body(request).get("message_id") if request.body and request.body.strip() else None
    up_to: Optional[int] = None if raw is None else body_id(raw, "message_id", "a message in this conversation")
    inbox = Inbox(console(request).handoffs.service)
    unread = await as_claiming_nurse(request, number, "mark it read", inbox.mark_read, up_to)
    return json_response({"unread": unread})


ROUTES: List[Tuple[str, str, Handler]] = [
    ("GET", "/api/mine", mine),
    ("POST", "/api/handoffs/<handoff_id>/read", mark_read),
]
