"""BackgroundLoop: one task however often it is started; stop cancels it and lets it start again."""

from __future__ import annotations

import asyncio

from bot.background import BackgroundLoop


class Counting(BackgroundLoop):
    def __init__(self) -> None:
        self.runs = 0
        self.started = asyncio.Event()
        self.cancelled = asyncio.Event()

    async def run(self) -> None:
        self.runs += 1
        self.started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled.set()
            raise


def test_started_twice_it_runs_once_and_stop_cancels_it():
    async def scenario() -> None:
        loop = Counting()
        loop.start()
        await loop.started.wait()
        loop.start()  # already running: no second task
        await loop.stop()
        assert loop.cancelled.is_set() and loop.runs == 1
        loop.started.clear()
        loop.start()
        await loop.started.wait()
        assert loop.runs == 2
        await loop.stop()

    asyncio.run(scenario())
