"""The handoff service the channels, actions and console call: one facade over its parts.

The person's side (`person_side.py`), the nurses' side (`nurse_side.py`), the audit feed
(`audit.py`), the waiting-time figures (`statistics.py`) and the outbox (`bot/outbox`) share one
`HandoffUnit` (`unit.py`): its sessions, clock, wording and the helpers of a unit of work. Each call
is one unit of work; each transition is a guarded UPDATE, and queues its notice in that same unit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable, Optional, Sequence

from sqlalchemy.orm import sessionmaker

from bot.clock import Clock
from bot.handoff.audit import AuditFeed
from bot.handoff.errors import Conflict, HandoffError, NotFound
from bot.handoff.models import Priority
from bot.handoff.nurse_side import NurseSide
from bot.handoff.person_side import PersonSide
from bot.handoff.statistics import WaitStatistics
from bot.handoff.unit import HandoffUnit
from bot.handoff.views import EventView, HandoffView, MessageView, Placed, QueueItem
from bot.outbox.store import LEASE, Outbox, Outgoing
from bot.wording import Wording

__all__ = [
    "Conflict",
    "EventView",
    "HandoffError",
    "HandoffService",
    "HandoffView",
    "MessageView",
    "NotFound",
    "Outgoing",
    "Placed",
    "QueueItem",
]


class HandoffService(HandoffUnit):
    """Everything a person wrote is redacted before it reaches a table (`HandoffUnit._private`)."""

    def __init__(
        self,
        session_factory: sessionmaker,
        clock: Clock,
        wording: Wording,
        redact: Optional[Callable[[str], str]] = None,
        outbox: Optional[Outbox] = None,
    ):
        super().__init__(session_factory, clock, wording, redact, outbox)
        self.nurse_side = NurseSide(self)
        self.statistics = WaitStatistics(self)
        self.person_side = PersonSide(self, self.nurse_side.position, self.statistics.estimated_wait)
        self.audit = AuditFeed(self)

    # ----- the person's side -----

    def request(
        self,
        conversation_id: str,
        channel: str,
        reason: str,
        *,
        priority: str = Priority.NORMAL,
        transcript: Iterable[tuple[str, str]] = (),
    ) -> Placed:
        return self.person_side.request(conversation_id, channel, reason, priority=priority, transcript=transcript)

    def leave_message(self, conversation_id: str, channel: str, text: str) -> HandoffView:
        return self.person_side.leave_message(conversation_id, channel, text)

    def open_handoff(self, conversation_id: str) -> Optional[HandoffView]:
        return self.person_side.open_handoff(conversation_id)

    def person_says(self, conversation_id: str, text: str) -> Optional[HandoffView]:
        return self.person_side.person_says(conversation_id, text)

    def flag_safety(self, handoff_id: int, note: str) -> HandoffView:
        return self.person_side.flag_safety(handoff_id, note)

    def cancel_by_person(self, conversation_id: str) -> Optional[HandoffView]:
        return self.person_side.cancel_by_person(conversation_id)

    def record_bot_turn(self, handoff_id: int, author: str, text: str) -> None:
        self.person_side.record_bot_turn(handoff_id, author, text)

    # ----- the nurses' side -----

    def queue(self) -> list[QueueItem]:
        return self.nurse_side.queue()

    def left_messages(self, include_done: bool = False) -> list[HandoffView]:
        return self.nurse_side.left_messages(include_done)

    def position(self, handoff_id: int) -> int:
        return self.nurse_side.position(handoff_id)

    def detail(self, handoff_id: int) -> tuple[HandoffView, list[MessageView]]:
        return self.nurse_side.detail(handoff_id)

    def claim(self, handoff_id: int, nurse_id: int) -> HandoffView:
        return self.nurse_side.claim(handoff_id, nurse_id)

    def claimed_by_nurse(self, nurse_id: int) -> list[HandoffView]:
        return self.nurse_side.claimed_by_nurse(nurse_id)

    def reply(self, handoff_id: int, nurse_id: int, text: str) -> MessageView:
        return self.nurse_side.reply(handoff_id, nurse_id, text)

    def hand_back(self, handoff_id: int, nurse_id: int) -> HandoffView:
        return self.nurse_side.hand_back(handoff_id, nurse_id)

    def close(self, handoff_id: int, nurse_id: int, outcome: str, note: Optional[str] = None) -> HandoffView:
        return self.nurse_side.close(handoff_id, nurse_id, outcome, note)

    # ----- figures and the audit feed -----

    def estimated_wait(self, position: int) -> dt.timedelta:
        return self.statistics.estimated_wait(position)

    def wait_statistics(self, since: dt.datetime) -> dict[str, Any]:
        return self.statistics.wait_statistics(since)

    def events_since(self, last_id: int, limit: int = 200) -> list[EventView]:
        return self.audit.events_since(last_id, limit)

    def latest_event_id(self) -> int:
        return self.audit.latest_event_id()

    # ----- the outbox, as the channels call it -----

    def send_later(self, conversation_id: str, channel: str, author: str, text: str) -> int:
        return self.outbox.send_later(conversation_id, channel, author, text)

    def pending_for(self, conversation_id: str) -> list[Outgoing]:
        return self.outbox.pending_for(conversation_id)

    def pending_on(self, channel: str, limit: int = 100) -> list[Outgoing]:
        return self.outbox.pending_on(channel, limit)

    def claim_pending_on(self, channel: str, limit: int = 100, lease: dt.timedelta = LEASE) -> list[Outgoing]:
        return self.outbox.claim_pending_on(channel, limit, lease)

    def claim_pending_for(self, conversation_id: str, lease: dt.timedelta = LEASE) -> list[Outgoing]:
        return self.outbox.claim_pending_for(conversation_id, lease)

    def release(self, outbox_ids: Sequence[int]) -> None:
        self.outbox.release(outbox_ids)

    def mark_delivered(self, outbox_ids: Sequence[int]) -> None:
        self.outbox.mark_delivered(outbox_ids)

    def mark_failed(self, outbox_id: int, error: str) -> int:
        return self.outbox.mark_failed(outbox_id, error)
