"""One fake clock for the tests: it stands still until the test moves it."""

from __future__ import annotations

import datetime as dt
from typing import Generic, TypeVar

Moment = TypeVar("Moment", dt.datetime, float)


class FakeClock(Generic[Moment]):
    """Either a datetime clock (bot.clock.Clock) or a monotonic one in seconds, as the code under test reads."""

    def __init__(self, now: Moment):
        self.now = now

    def __call__(self) -> Moment:
        return self.now

    def advance(self, **kwargs: float) -> None:
        """`advance(minutes=5)`: the arguments of a timedelta, for either kind of clock."""
        step = dt.timedelta(**kwargs)
        if isinstance(self.now, dt.datetime):
            self.now = self.now + step
        else:
            self.now = self.now + step.total_seconds()
