"""The channels' per-conversation lock: one holder at a time per conversation, and nothing kept once free."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.common import ConversationLocks


def test_one_holder_at_a_time_per_conversation_and_others_are_not_held_up():
    locks = ConversationLocks()
    order: list[str] = []

    async def scenario() -> None:
        release = asyncio.Event()

        async def first() -> None:
            async with locks.hold("c1"):
                order.append("first in")
                await release.wait()
                order.append("first out")

        async def second() -> None:
            async with locks.hold("c1"):
                order.append("second in")

        holding = asyncio.create_task(first())
        await asyncio.sleep(0)  # the first task takes the lock and waits for the release
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0)  # the second waits for the lock
        assert locks.busy("c1") and not locks.busy("c2")
        async with locks.hold("c2"):
            order.append("other conversation")
        release.set()
        await asyncio.gather(holding, waiting)
        assert not locks.busy("c1")

    asyncio.run(scenario())
    assert order == ["first in", "other conversation", "first out", "second in"]


def test_the_lock_is_dropped_when_its_holder_fails():
    locks = ConversationLocks()

    async def scenario() -> None:
        with pytest.raises(RuntimeError):
            async with locks.hold("c1"):
                assert locks.busy("c1")
                raise RuntimeError("handling failed")
        assert not locks.busy("c1")

    asyncio.run(scenario())
