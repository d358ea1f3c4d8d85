"""Past conversations for the console's search: those that have ended, by when, outcome, nurse and channel.

Nurses share the helpline's caseload, so every nurse sees every past conversation. Retention
(bot/retention.py) deletes conversations after HELPLINE_RETENTION_DAYS, so the history goes no further back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, select

from bot.handoff.models import OPEN_STATES, Handoff, Nurse, State
from bot.handoff.service import HandoffService
from bot.handoff.views import HandoffView, view

ENDED_STATES = tuple(state for state in State if state not in OPEN_STATES)
PAGE_SIZE = 20


@dataclass(frozen=True)
class HistoryQuery:
    """Every filter is optional; times are compared with when the conversation ended."""

    ended_from: Optional[dt.datetime] = None  # inclusive
    ended_before: Optional[dt.datetime] = None  # exclusive
    outcome: Optional[str] = None  # exactly, as chosen from the console's list
    nurse_id: Optional[int] = None  # the nurse who had it last
    channel: Optional[str] = None


@dataclass(frozen=True)
class HistoryPage:
    conversations: list[HandoffView]  # the latest to end first
    page: int
    pages: int
    total: int


class ConversationHistory:
    def __init__(self, service: HandoffService):
        self._service = service

    def search(self, query: HistoryQuery, page: int = 1, size: int = PAGE_SIZE) -> HistoryPage:
        conditions = [Handoff.state.in_(ENDED_STATES)]
        if query.ended_from is not None:
            conditions.append(Handoff.ended_at >= query.ended_from.astimezone(dt.timezone.utc))
        if query.ended_before is not None:
            conditions.append(Handoff.ended_at < query.ended_before.astimezone(dt.timezone.utc))
        if query.outcome is not None:
            conditions.append(Handoff.outcome == query.outcome)
        if query.nurse_id is not None:
            conditions.append(Handoff.claimed_by == query.nurse_id)
        if query.channel is not None:
            conditions.append(Handoff.channel == query.channel)
        with self._service._sessions() as session:
            total = session.execute(select(func.count()).select_from(Handoff).where(*conditions)).scalar() or 0
            rows = session.execute(
                select(Handoff, Nurse.display_name)
                .outerjoin(Nurse, Nurse.id == Handoff.claimed_by)
                .where(*conditions)
                .order_by(Handoff.ended_at.desc(), Handoff.id.desc())
                .offset((page - 1) * size)
                .limit(size)
            ).all()
            conversations = [view(handoff, name) for handoff, name in rows]
        return HistoryPage(conversations, page, max(1, -(-total // size)), total)
