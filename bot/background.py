"""One background task per object, for the loops that poll the database (the sweeper, the outbox pusher, the web chat's
watch): started once however often `start` is called, cancelled and awaited by `stop`."""

from __future__ import annotations

import asyncio
from typing import Optional


class BackgroundLoop:
    """Subclasses give `run`, a coroutine that loops until cancelled."""

    _task: Optional[asyncio.Task] = None

    async def run(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self.run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
