"""A tracker-store outage passes Rasa's catch-all only where a channel answers for it (bot/rasa_runtime/outage.py)."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from sqlalchemy.exc import OperationalError

from bot.rasa_runtime.outage import DatabaseUnavailable, answering_for_outages, is_outage, through_outage


def database_down(invalidated: bool = False) -> OperationalError:
    refused = ConnectionRefusedError("connection refused")
    return OperationalError("SELECT 1", {}, refused, connection_invalidated=invalidated)


def test_a_connection_from_before_a_restart_is_retried_once():
    calls = []

    async def call():
        calls.append(1)
        if len(calls) == 1:
            raise database_down(invalidated=True)
        return "tracker"

    assert asyncio.run(through_outage(call)) == "tracker" and len(calls) == 2


def test_the_outage_passes_rasas_catch_all_only_where_a_channel_answers_for_it():
    async def call():
        raise database_down()

    with pytest.raises(OperationalError):
        asyncio.run(through_outage(call))  # e.g. Rasa's HTTP API: stock behaviour

    async def in_channel():
        with answering_for_outages():
            try:
                await through_outage(call)
            except Exception:  # what Rasa's FailSafeTrackerStore does
                return "swallowed"
        return "not raised"

    with pytest.raises(DatabaseUnavailable):
        asyncio.run(in_channel())
    assert is_outage(DatabaseUnavailable()) and not is_outage(ValueError())


class DownTrackerStore(InMemoryTrackerStore):
    """A tracker store whose database is down, reached as the project's store reaches it."""

    async def retrieve(self, sender_id):
        async def call():
            raise database_down()

        return await through_outage(call)


def test_rasas_own_fail_safe_store_swallows_the_outage_unless_a_channel_answers_for_it():
    store = FailSafeTrackerStore(DownTrackerStore(None))
    assert asyncio.run(store.retrieve("p1")) is None  # stock Rasa: a brand-new conversation

    async def in_channel():
        with answering_for_outages():
            return await store.retrieve("p1")

    with pytest.raises(DatabaseUnavailable):
        asyncio.run(in_channel())
