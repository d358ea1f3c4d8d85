"""Slows password guessing without letting anyone lock a nurse out (issue 13, M6).

- Per client address (the real one: bot/client_address.py): after FREE failures in the window,
  each further attempt must wait, and the wait doubles, up to MAX_WAIT.
- Per account, from any address: the same.
- A known-good source, an address where that account signed in successfully in the last
  KNOWN_GOOD days, is exempt from both: only its own failures for that account (the pair)
  count against it. So an attacker elsewhere, or a neighbour behind the same proxy, can slow
  guessing at a nurse's password but cannot keep her out.
- Cycling usernames resets nothing: the address counts every failure, whatever the username.
  Memory is bounded: expired entries go first, then the least recently used.
- Overall: at most CHECKS_AT_ONCE password checks run at a time (argon2 is slow on purpose, and
  the checks must not take the threads the nurses' queue view needs), and at most RATE per
  second are started; beyond that, 429 at once. A known-good address is never refused by the
  overall limit, only queued.

Kept in memory: a per-process brake, not shared state the console relies on.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable, Deque, List, Optional, Tuple

WINDOW = 15 * 60.0
FREE = 10  # failures in the window before the backoff starts, for an address, an account or a pair
FIRST_WAIT = 1.0
MAX_WAIT = 15 * 60.0
KNOWN_GOOD = 30 * 24 * 3600.0
MAX_ENTRIES = 50_000
CHECKS_AT_ONCE = 2
RATE = 10.0  # sign-in attempts started per second, overall
BURST = 20


class Throttled(Exception):
    """Too many attempts; try again after `wait` seconds."""

    def __init__(self, wait: float, overall: bool = False):
        super().__init__(f"wait {wait:.0f} s")
        self.wait = max(1, int(wait + 0.999))
        self.overall = overall


class _Bounded(OrderedDict):
    """A dict that forgets its least recently used entries beyond `limit`."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def touch(self, key, make):
        value = self.get(key)
        if value is None:
            value = make()
            self[key] = value
            while len(self) > self.limit:
                self.popitem(last=False)
        self.move_to_end(key)
        return value


@dataclass
class _Failures:
    times: Deque[float]

    def recent(self, now: float) -> Deque[float]:
        while self.times and now - self.times[0] > WINDOW:
            self.times.popleft()
        return self.times


def _wait(failures: Deque[float], free: int, now: float) -> float:
    """Seconds until the next attempt is allowed: none for the first `free` failures, then doubling."""
    over = len(failures) - free
    if over < 0:
        return 0.0
    wait = min(MAX_WAIT, FIRST_WAIT * (2**over))
    return max(0.0, failures[-1] + wait - now)


class SignInThrottle:
    def __init__(self, clock: Callable[[], float] = time.monotonic, max_entries: int = MAX_ENTRIES):
        self._clock = clock
        self._addresses: _Bounded = _Bounded(max_entries)
        self._accounts: _Bounded = _Bounded(max_entries)
        self._pairs: _Bounded = _Bounded(max_entries)
        self._good: _Bounded = _Bounded(max_entries)  # (address, username) -> last success
        self._checks = asyncio.Semaphore(CHECKS_AT_ONCE)
        self._tokens = float(BURST)
        self._filled_at = clock()

    def known_good(self, address: str, username: str) -> bool:
        when: Optional[float] = self._good.get((address, username))
        return when is not None and self._clock() - when <= KNOWN_GOOD

    def _take_token(self) -> bool:
        now = self._clock()
        self._tokens = min(float(BURST), self._tokens + (now - self._filled_at) * RATE)
        self._filled_at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    def check(self, address: str, username: str) -> None:
        """Raises Throttled when this attempt must wait; call before checking the password."""
        now = self._clock()
        good = self.known_good(address, username)
        keys: List[Tuple[_Bounded, Any]] = [(self._pairs, (address, username))]
        if not good:
            keys += [(self._addresses, address), (self._accounts, username)]
        waits = [_wait(entry.recent(now), FREE, now) for table, key in keys if (entry := table.get(key)) is not None]
        wait = max(waits, default=0.0)
        if wait > 0:
            raise Throttled(wait)
        if not self._take_token() and not good:
            raise Throttled(1.0 / RATE, overall=True)

    @asynccontextmanager
    async def checking(self) -> AsyncIterator[None]:
        """Holds one of the few places for a password check (argon2), so other requests keep their threads."""
        async with self._checks:
            yield

    def failed(self, address: str, username: str) -> None:
        now = self._clock()
        for table, key in ((self._addresses, address), (self._accounts, username), (self._pairs, (address, username))):
            table.touch(key, lambda: _Failures(deque())).recent(now).append(now)

    def succeeded(self, address: str, username: str) -> None:
        """The right password: this address is known-good for the account (its failures still count)."""
        now = self._clock()
        self._good.touch((address, username), lambda: now)
        self._good[(address, username)] = now

    def sizes(self) -> Tuple[int, int, int]:
        return len(self._addresses), len(self._accounts), len(self._good)
