"""Urgent requests that arrive together are flagged to the nurse: many at once may be a flood, not many emergencies."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from typing import Mapping

from bot.limits import BURST_MIN_URGENT, BURST_WINDOW_SECONDS


def urgent_bursts(
    created: Mapping[int, dt.datetime],
    window: dt.timedelta = dt.timedelta(seconds=BURST_WINDOW_SECONDS),
    minimum: int = BURST_MIN_URGENT,
) -> dict[int, int]:
    """Urgent handoff id -> how many (itself included) were created within `window` of it, where at least `minimum`."""
    times = sorted(created.values())
    bursts = {}
    for handoff_id, at in created.items():
        together = bisect_right(times, at + window) - bisect_left(times, at - window)
        if together >= minimum:
            bursts[handoff_id] = together
    return bursts
