"""Pushes outbox messages (nurse replies, system notices) to channels that can reach the person unasked."""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, Protocol, Sequence

from bot.background import BackgroundLoop
from bot.outbox.store import Outgoing

logger = logging.getLogger(__name__)

# send(message) -> True when delivered, False when the person cannot be reached right
# now (e.g. the widget is closed): then it waits, and that is not counted as a failure.
Send = Callable[[Outgoing], Awaitable[bool]]
ESCALATE_AFTER = 5


class Deliveries(Protocol):
    """The part of the outbox a pusher uses (`Outbox`, or the handoff service that fronts it)."""

    def claim_pending_on(self, channel: str) -> list[Outgoing]: ...
    def mark_failed(self, outbox_id: int, error: str) -> int: ...
    def mark_delivered(self, outbox_ids: Sequence[int]) -> None: ...
    def release(self, outbox_ids: Sequence[int]) -> None: ...


class OutboxPusher(BackgroundLoop):
    """Polls the outbox for one channel. Failures are logged, kept and retried with backoff."""

    def __init__(
        self,
        service_provider: Callable[[], Deliveries],
        channel: str,
        send: Send,
        interval: float = 0.25,
    ):
        self._service_provider = service_provider
        self._channel = channel
        self._send = send
        self._interval = interval

    async def push_once(self) -> int:
        """Delivers what is due now; returns how many messages were delivered.

        Messages are claimed first, so when every replica runs a pusher each message is sent by one of them.
        """
        service = self._service_provider()
        claimed = await asyncio.to_thread(service.claim_pending_on, self._channel)
        delivered: list[int] = []
        settled: set[int] = set()
        try:
            for message in claimed:
                try:
                    if await self._send(message):
                        delivered.append(message.id)
                        settled.add(message.id)
                except Exception as error:  # kept in the outbox and retried; never dropped
                    settled.add(message.id)
                    attempts = await asyncio.to_thread(service.mark_failed, message.id, repr(error))
                    log = logger.error if attempts >= ESCALATE_AFTER else logger.warning
                    log("%s delivery of outbox message %s failed (attempt %s): %s",
                        self._channel, message.id, attempts, type(error).__name__)  # fmt: skip
        finally:
            await asyncio.to_thread(service.mark_delivered, delivered)
            await asyncio.to_thread(service.release, [m.id for m in claimed if m.id not in settled])
        return len(delivered)

    async def run(self) -> None:
        while True:
            try:
                await self.push_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be briefly unavailable; keep going
                logger.exception("%s outbox pusher: pass failed", self._channel)
            await asyncio.sleep(self._interval)
