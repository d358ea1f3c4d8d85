"""The REST channel's input edge: the body's shape and encoding are checked before Rasa sees anything.

Stock Rasa reads `sender` and `message` from any JSON and, when handling then fails, logs the
raw text with the stack's locals. Here a body that is not a JSON object, a missing, empty,
non-string or over-long `sender`, a non-string `message`, text that is not valid Unicode (a lone
UTF-16 surrogate, as clients produce when they cut an emoji in half) or a NUL character gets
400 with a clear error; a message over the length bound gets 413. None of it is logged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

from bot.limits import MAX_SENDER_CHARS


class BadBody(Exception):
    """What is wrong with a request body; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class RestBody:
    sender: str
    message: str


def _unicode_problem(text: str) -> Optional[str]:
    if "\x00" in text:
        return "must not contain NUL characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode text (it holds half of a UTF-16 surrogate pair, e.g. an emoji cut in two)"
    return None


def _sender(data: dict) -> str:
    sender = data.get("sender")
    if sender is None:
        raise BadBody(400, "'sender' is required: a string that names the conversation, the same for every message.")
    if not isinstance(sender, str):
        raise BadBody(400, "'sender' must be a string.")
    if not sender.strip():
        raise BadBody(400, "'sender' must not be empty.")
    if len(sender) > MAX_SENDER_CHARS:
        raise BadBody(400, f"'sender' must be at most {MAX_SENDER_CHARS} characters.")
    if any(ch < " " or ch == "\x7f" for ch in sender):
        raise BadBody(400, "'sender' must not contain control characters.")
    problem = _unicode_problem(sender)
    if problem:
        raise BadBody(400, f"'sender' {problem}.")
    return sender


def _message(data: dict) -> str:
    message = data.get("message")
    if message is None:
        raise BadBody(400, "'message' is required: the text the person wrote, as a string.")
    if not isinstance(message, str):
        raise BadBody(400, "'message' must be a string.")
    problem = _unicode_problem(message)
    if problem:
        raise BadBody(400, f"'message' {problem}.")
    return message


def parse(raw: bytes) -> RestBody:
    """The sender and message of a REST webhook body, or BadBody (the length bound is the channel's to answer)."""
    if not raw or not raw.strip():
        raise BadBody(400, 'The request body is empty; it must be a JSON object like {"sender": "…", "message": "…"}.')
    try:
        data: Any = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise BadBody(400, "The request body is not valid JSON.") from error
    if not isinstance(data, dict):
        raise BadBody(400, 'The request body must be a JSON object like {"sender": "…", "message": "…"}.')
    return RestBody(_sender(data), _message(data))
