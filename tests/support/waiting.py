"""One way to wait in a test: for an event, polled, never for a fixed time."""

from __future__ import annotations

import asyncio
import time
from typing import Callable, TypeVar

T = TypeVar("T")


def wait_until(check: Callable[[], T], what: str, timeout: float = 20, interval: float = 0.1) -> T:
    """Polls `check` until it returns something truthy, and returns that; fails naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


async def wait_until_async(check: Callable[[], T], what: str, timeout: float = 20, interval: float = 0.05) -> T:
    """`wait_until` inside an event loop: `check` (e.g. a database read) runs in a thread, the loop keeps going."""
    deadline = time.monotonic() + timeout
    while True:
        result = await asyncio.to_thread(check)
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(interval)
