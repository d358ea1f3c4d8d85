"""Nurse replies and notices as the widget's messages: plain text that can never become a link."""

from __future__ import annotations

import re
from typing import Any, Dict, Optional, Sequence

from bot.channels.webchat.feedback import CLOSED_NOTICE, CSAT_CSS_CLASS
from bot.models import Author
from bot.wording import Wording

NURSE_CSS_CLASS = "helpline-nurse"
# A system notice (a nurse joined or left, the queue, closing time) is shown as a banner, not as the bot's words.
NOTICE_CSS_CLASS = "helpline-notice"
_MARKDOWN_LINK_CHARACTERS = re.compile(r"([\\\[\]])")  # backslash, and brackets: [text](url), ![image](url)


def markdown_literal(text: str) -> str:
    """No link in an outbox message: the widget renders markdown and lets any link scheme through, javascript: too.

    Nurse text and display names are plain text: every character that can start a link or an
    autolink is escaped, so "[x](javascript:…)" and "<javascript://…>" are shown as written.
    The widget's markdown (remark-parse 5, GFM) has no backslash escape for "<", so it is written
    as the entity "&lt;" (and "&" as "&amp;"), which the widget shows as the character itself.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return _MARKDOWN_LINK_CHARACTERS.sub(r"\\\1", text)


def outbox_message(
    author: str, text: str, sender_name: Optional[str], wording: Wording, buttons: Sequence[Dict[str, Any]] = ()
) -> Dict[str, Any]:
    """A nurse reply or system notice as the widget's bot message; a nurse's words are marked as the nurse's,
    and a notice as a banner.

    A notice's buttons (e.g. "Leave the queue") become the widget's quick replies. The notice that a nurse
    ended the chat is marked, so the widget asks for a rating under it.
    """
    if author == Author.NURSE:
        marked = wording.text(
            "utter_message_from_nurse", nurse=markdown_literal(sender_name or "Nurse"), text=markdown_literal(text)
        )
        return {"text": marked, "metadata": {"customCss": {"style": "class", "css": NURSE_CSS_CLASS}}}
    message: Dict[str, Any] = {"text": markdown_literal(text)}
    if author == Author.SYSTEM:
        css = NOTICE_CSS_CLASS
        if text == wording.text(CLOSED_NOTICE):
            css = f"{css} {CSAT_CSS_CLASS}"  # the widget asks for a rating under it
        message["metadata"] = {"customCss": {"style": "class", "css": css}}
    if buttons:
        message["quick_replies"] = [
            {"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons
        ]
    return message
