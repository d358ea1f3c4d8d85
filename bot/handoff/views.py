"""What the handoff services hand out: frozen views of rows, never the rows themselves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from bot.handoff.models import OPEN_STATES, Handoff


@dataclass(frozen=True)
class HandoffView:
    id: int
    conversation_id: str
    channel: str
    kind: str
    state: str
    priority: str
    reason: str
    created_at: dt.datetime
    claimed_at: Optional[dt.datetime]
    claimed_by: Optional[int]
    claimed_by_name: Optional[str]
    ended_at: Optional[dt.datetime]
    outcome: Optional[str]
    away_since: Optional[dt.datetime] = None  # the person's tab closed (web); shown to the nurse as away
    last_seen_at: Optional[dt.datetime] = None  # when the person last wrote or came back
    closing_note: Optional[str] = None  # the nurse's words on closing, apart from the outcome

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


@dataclass(frozen=True)
class MessageView:
    id: int
    author: str
    text: str
    created_at: dt.datetime
    nurse_name: Optional[str]
    context: bool = False  # the conversation leading up to the handoff, not written for the nurse


@dataclass(frozen=True)
class QueueItem:
    handoff: HandoffView
    position: int
    waiting_seconds: float
    last_message: Optional[str]
    burst: int = 0  # urgent requests arriving together, this one included (bot/limits.py); 0 when not a burst


@dataclass(frozen=True)
class Placed:
    """The result of asking for a nurse: the handoff, and whether this call created it."""

    handoff: HandoffView
    created: bool
    position: int
    estimated_wait: dt.timedelta


@dataclass(frozen=True)
class EventView:
    id: int
    at: dt.datetime
    handoff_id: Optional[int]
    actor: str
    kind: str
    detail: dict


def view(handoff: Handoff, nurse_name: Optional[str]) -> HandoffView:
    return HandoffView(
        id=handoff.id,
        conversation_id=handoff.conversation_id,
        channel=handoff.channel,
        kind=handoff.kind,
        state=handoff.state,
        priority=handoff.priority,
        reason=handoff.reason,
        created_at=handoff.created_at,
        claimed_at=handoff.claimed_at,
        claimed_by=handoff.claimed_by,
        claimed_by_name=nurse_name,
        ended_at=handoff.ended_at,
        outcome=handoff.outcome,
        away_since=handoff.away_since,
        last_seen_at=handoff.last_seen_at,
        closing_note=handoff.closing_note,
    )
