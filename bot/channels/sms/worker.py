"""Stored texts handled in the order received, one at a time per number, and picked up again after a restart."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage

from bot.channels.common import ConversationLocks
from bot.channels.sms.processor import SmsProcessor
from bot.channels.sms.state import Inbound, SmsStore

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a text that crashed the process this often is answered with an apology instead
SWEEP_INTERVAL = 30.0


class InboundWorker:
    """Handles stored texts in the order received, one at a time per conversation, and picks up leftovers."""

    def __init__(self, store: SmsStore, processor: SmsProcessor):
        self._store = store
        self._processor = processor
        self._locks = ConversationLocks()
        self._tasks: set[asyncio.Task] = set()
        self._on_new_message: Optional[Callable[[UserMessage], Awaitable[Any]]] = None

    def attach(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        self._on_new_message = on_new_message

    def spawn(self, conversation_id: str) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(self._drain_in_background(conversation_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _drain_in_background(self, conversation_id: str) -> None:
        try:
            await self.drain(conversation_id)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the texts stay stored; the next sweep tries again
            logger.error("SMS handling for conversation %s stopped: %s", conversation_id, type(error).__name__)

    async def drain(self, conversation_id: str) -> None:
        if self._on_new_message is None:
            raise RuntimeError("the inbound worker has no Rasa handler attached")
        async with self._locks.hold(conversation_id):
            while True:
                inbound = await asyncio.to_thread(self._store.next_inbound, conversation_id)
                if inbound is None:
                    return
                if not await self._handle(inbound, self._on_new_message):
                    return  # left for the next sweep

    async def _handle(self, inbound: Inbound, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> bool:
        """True when the text is done with; False when it stays stored to be tried again later."""
        if inbound.attempts > MAX_ATTEMPTS:
            logger.error(
                "SMS %s of conversation %s failed %s times: apologising instead",
                inbound.id, inbound.conversation_id, inbound.attempts - 1,
            )  # fmt: skip
            return await self._give_up(inbound)
        try:
            await self._processor.handle(inbound, on_new_message)
        except Exception as error:
            logger.error(
                "handling SMS %s of conversation %s failed: %s",
                inbound.id, inbound.conversation_id, type(error).__name__,
            )  # fmt: skip
            logger.debug("handling SMS %s failed", inbound.id, exc_info=True)  # the error may quote the text
            return await self._give_up(inbound)
        await asyncio.to_thread(self._store.mark_handled, inbound.id)
        return True

    async def _give_up(self, inbound: Inbound) -> bool:
        try:
            await self._processor.apologise(inbound.conversation_id)
            await asyncio.to_thread(self._store.mark_handled, inbound.id)
        except Exception as error:  # most likely the database: keep the text and try again later
            logger.error("SMS %s kept for a later attempt: %s", inbound.id, type(error).__name__)
            return False
        return True

    async def sweep(self) -> int:
        """Starts handling every conversation with stored texts nobody is working on (after a restart)."""
        started = 0
        for conversation_id in await asyncio.to_thread(self._store.conversations_with_unhandled):
            if not self._locks.busy(conversation_id):
                self.spawn(conversation_id)
                started += 1
        return started

    async def run_sweeps(self, interval: float = SWEEP_INTERVAL) -> None:
        while True:
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.warning("SMS sweep failed: %s", type(error).__name__)
            await asyncio.sleep(interval)

    async def stop(self, timeout: float = 10.0) -> None:
        """Lets texts being handled finish; anything cut short is still stored and handled after restart."""
        tasks = list(self._tasks)
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=timeout)
            for task in pending:
                task.cancel()
