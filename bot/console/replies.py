"""Saved replies for nurses: reviewed responses from domain.yml, listed in data/console/replies.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.config import PROJECT_ROOT
from bot.hours import OpeningHours, weekly_hours
from bot.wording import Wording

REPLIES_FILE = PROJECT_ROOT / "data" / "console" / "replies.yml"


class RepliesInvalid(ValueError):
    """The saved-replies file cannot be used; the message says where."""


@dataclass(frozen=True)
class SavedReply:
    id: str
    title: str
    response: str


def load_replies(wording: Wording, path: Path = REPLIES_FILE) -> tuple[SavedReply, ...]:
    """Every saved reply, checked: unique ids, a title, and a response that exists in the domain."""
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    replies: list[SavedReply] = []
    for index, item in enumerate(data.get("replies") or []):
        where = f"{path.name}: replies[{index}]"
        reply = SavedReply(
            str(item.get("id") or ""), str(item.get("title") or "").strip(), str(item.get("response") or "")
        )
        if not reply.id or not reply.title:
            raise RepliesInvalid(f"{where} needs an id and a title")
        if any(r.id == reply.id for r in replies):
            raise RepliesInvalid(f"{where}: the id {reply.id!r} is used twice")
        if not wording.has(reply.response):
            raise RepliesInvalid(f"{where}: {reply.response!r} is not a response in domain.yml")
        replies.append(reply)
    return tuple(replies)


def render(reply: SavedReply, wording: Wording, hours: OpeningHours) -> str:
    """The reply's text, with the helpline's number and hours as they are now."""
    return wording.text(reply.response, phone=hours.phone, weekly_hours=weekly_hours(hours))
