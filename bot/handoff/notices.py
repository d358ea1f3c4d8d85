"""What the person is told about their place with the nurses, in their channel's wording (domain.yml)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Optional

from bot.hours import OpeningHours, describe_next_opening
from bot.wording import Wording

REPLY_AFTER = "utter_left_message_reply_"  # + today | tomorrow | weekday | date (bot/hours.py NextOpening.when)


@dataclass(frozen=True)
class Notice:
    text: str
    buttons: tuple = ()  # ({"title", "payload"}, ...)


def notice(wording: Wording, name: str, channel: Optional[str], **values: Any) -> Notice:
    return Notice(wording.text(name, channel=channel, **values), tuple(wording.buttons(name, channel)))


def wait_minutes(wait: dt.timedelta) -> int:
    """The estimated wait as the person is told it: whole minutes, at least one."""
    return max(1, math.ceil(wait.total_seconds() / 60))


def reply_after(wording: Wording, hours: OpeningHours, now: dt.datetime, channel: Optional[str]) -> Notice:
    """ "A nurse will reply after 9am tomorrow; you'll see it here" (web) or "…; we'll text you" (SMS)."""
    nxt = describe_next_opening(hours, now)
    return notice(wording, REPLY_AFTER + nxt.when, channel, time=nxt.time, weekday=nxt.weekday, date=nxt.date)
