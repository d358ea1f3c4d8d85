"""'Was this helpful?' and the nurse-chat rating on the web: which messages carry them, and the endpoint they post to.

A content answer's bubble gets two CSS classes (the widget keeps only `customCss` from a
message's metadata): `helpline-answer` and `helpline-answer--<entry id>`; the close notice of a nurse
chat gets `helpline-csat` as well as the notices' class (messages.py). accessible.js draws the controls
under those bubbles, outside the dialogue, and posts to /webhooks/socketio/feedback with the session token
the widget already holds.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Callable, Dict, Optional

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.common import Channel
from bot.channels.webchat.tokens import ConversationTokens
from bot.feedback.models import CSAT_RATINGS
from bot.feedback.store import FeedbackStore
from bot.limits import MAX_FEEDBACK_COMMENT_CHARS

logger = logging.getLogger(__name__)

CONTENT_ANSWER = "utter_content_answer"
CLOSED_NOTICE = "utter_handoff_closed"
ANSWER_CSS_CLASS = "helpline-answer"
CSAT_CSS_CLASS = "helpline-csat"
_ENTRY_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")


def answer_css(message: Dict[str, Any]) -> Optional[Dict[str, str]]:
    """The `customCss` that marks a content answer with its entry, or None for any other message."""
    content_id = message.get("content_id")
    if message.get("utter_action") != CONTENT_ANSWER or not isinstance(content_id, str):
        return None
    if not _ENTRY_ID.fullmatch(content_id):
        return None
    return {"style": "class", "css": f"{ANSWER_CSS_CLASS} {ANSWER_CSS_CLASS}--{content_id}"}


class BadFeedback(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _parse(body: Any) -> Dict[str, Any]:
    """The posted verdict: {token, content_id, helpful, comment?} or {token, rating}."""
    if not isinstance(body, dict) or not isinstance(body.get("token"), str):
        raise BadFeedback(400, "a JSON object with the session token is expected")
    if "rating" in body:
        rating = body["rating"]
        if isinstance(rating, bool) or not isinstance(rating, int) or rating not in CSAT_RATINGS:
            raise BadFeedback(400, "rating must be a whole number from 1 to 5")
        return {"rating": rating}
    content_id, helpful, comment = body.get("content_id"), body.get("helpful"), body.get("comment")
    if not isinstance(content_id, str) or not _ENTRY_ID.fullmatch(content_id) or not isinstance(helpful, bool):
        raise BadFeedback(400, "content_id and helpful (true or false) are expected")
    if comment is not None and not isinstance(comment, str):
        raise BadFeedback(400, "comment must be text")
    if comment is not None and len(comment) > MAX_FEEDBACK_COMMENT_CHARS:
        raise BadFeedback(413, f"comment is at most {MAX_FEEDBACK_COMMENT_CHARS} characters")
    return {"content_id": content_id, "helpful": helpful, "comment": comment}


class FeedbackEndpoint:
    """POST /feedback on the web chat's blueprint: the token says which conversation; nothing enters the dialogue."""

    def __init__(
        self,
        tokens: Callable[[], ConversationTokens],
        store: Callable[[], FeedbackStore],
        admit: Callable[[Request, str], Optional[int]],
    ):
        self._tokens = tokens
        self._store = store
        self._admit = admit

    async def handle(self, request: Request) -> HTTPResponse:
        try:
            body = request.json
        except Exception:  # Sanic raises its own error for a body that is not JSON
            body = None
        try:
            verdict = _parse(body)
        except BadFeedback as error:
            return response.json({"error": error.message}, status=error.status)
        conversation_id = self._tokens().verify(body["token"])
        if conversation_id is None:
            return response.json({"error": "the session token did not verify"}, status=403)
        wait = self._admit(request, conversation_id)
        if wait is not None:
            return response.json({"error": "too many requests"}, status=429, headers={"Retry-After": str(wait)})
        store = self._store()
        if "rating" in verdict:
            handoff_id = await asyncio.to_thread(store.closed_chat, conversation_id)
            if handoff_id is None:
                return response.json({"error": "no nurse chat has ended in this conversation"}, status=404)
            await asyncio.to_thread(store.record_csat, conversation_id, Channel.WEBCHAT, verdict["rating"], handoff_id)
            return response.empty(status=204)
        if not await asyncio.to_thread(store.entry_exists, verdict["content_id"]):
            return response.json({"error": "no such content entry"}, status=404)
        await asyncio.to_thread(
            store.record_helpful,
            conversation_id,
            Channel.WEBCHAT,
            verdict["content_id"],
            verdict["helpful"],
            verdict["comment"],
        )
        return response.empty(status=204)

    def add_to(self, blueprint: Blueprint) -> None:
        @blueprint.route("/feedback", methods=["POST"], name="feedback")
        async def feedback(request: Request) -> HTTPResponse:
            return await self.handle(request)
