"""Waiting-time figures: the wait told to a person who asks, and the operations lead's figures."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from sqlalchemy import and_, select

from bot.handoff.models import Handoff, Kind, State
from bot.handoff.unit import HandoffUnit

DEFAULT_WAIT = dt.timedelta(minutes=5)
RECENT_CLAIMS = 20


class WaitStatistics:
    """Read-only: computed from the claimed handoffs, never stored."""

    def __init__(self, unit: HandoffUnit):
        self._unit = unit

    def estimated_wait(self, position: int) -> dt.timedelta:
        """Position times the median wait of recent claims (five minutes each before there are any)."""
        with self._unit._sessions() as session:
            rows = session.execute(
                select(Handoff.created_at, Handoff.claimed_at)
                .where(Handoff.claimed_at.is_not(None), Handoff.kind == Kind.LIVE)
                .order_by(Handoff.claimed_at.desc())
                .limit(RECENT_CLAIMS)
            ).all()
        waits = [(c - a).total_seconds() for a, c in rows]
        each = dt.timedelta(seconds=statistics.median(waits)) if waits else DEFAULT_WAIT
        return max(each, dt.timedelta(minutes=1)) * max(position, 1)

    def wait_statistics(self, since: dt.datetime) -> dict[str, Any]:
        """Waiting-time figures for the operations lead: claimed handoffs created since `since`."""
        since = since.astimezone(dt.timezone.utc)
        with self._unit._sessions() as session:
            rows = session.execute(
                select(Handoff.created_at, Handoff.claimed_at, Handoff.state).where(
                    and_(Handoff.kind == Kind.LIVE, Handoff.created_at >= since)
                )
            ).all()
        waits = sorted((c - a).total_seconds() for a, c, _ in rows if c is not None)
        return {
            "handoffs": len(rows),
            "claimed": len(waits),
            "abandoned": sum(1 for _, _, state in rows if state == State.ABANDONED),
            "median_wait_seconds": statistics.median(waits) if waits else None,
            "p90_wait_seconds": waits[min(len(waits) - 1, int(len(waits) * 0.9))] if waits else None,
            "longest_wait_seconds": waits[-1] if waits else None,
        }
