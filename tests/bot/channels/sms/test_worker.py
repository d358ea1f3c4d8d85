"""Stored texts: handled after a restart, in order per number, and answered with an apology when handling fails."""

from __future__ import annotations

import asyncio

from bot.channels.sms.worker import MAX_ATTEMPTS, InboundWorker
from tests.bot.channels.sms.harness import PHONE


def test_a_stored_text_is_handled_after_a_restart(sms):
    sms.store.receive(PHONE, "SM-before-crash", "what is recurrence")
    assert sms.store.conversations_with_unhandled() == [sms.cid]

    async def restart():
        worker = InboundWorker(sms.store, sms.processor)
        worker.attach(sms.rasa)
        assert await worker.sweep() == 1
        await worker.stop()

    asyncio.run(restart())
    assert sms.rasa.seen == ["what is recurrence"]
    assert sms.store.conversations_with_unhandled() == []


def test_a_failure_while_handling_gets_an_apology(sms):
    async def broken(message):
        raise RuntimeError("rasa fell over")

    sms.worker.attach(broken)
    sms.text("what is recurrence")
    assert sms.queued() == ["Sorry, something went wrong. Please try again."]
    assert sms.store.conversations_with_unhandled() == []


def test_a_text_that_keeps_crashing_is_given_up_with_an_apology(sms):
    sms.store.receive(PHONE, "SM-poison", "poison")
    for _ in range(MAX_ATTEMPTS):
        sms.store.next_inbound(sms.cid)  # each attempt died with the process
    asyncio.run(sms.worker.drain(sms.cid))
    assert sms.rasa.seen == []
    assert sms.queued() == ["Sorry, something went wrong. Please try again."]


def test_texts_of_one_number_are_handled_in_order(sms):
    for i in range(5):
        sms.store.receive(PHONE, f"SM{i}", f"message {i}")

    async def all_at_once():
        await asyncio.gather(*(sms.worker.drain(sms.cid) for _ in range(3)))

    asyncio.run(all_at_once())
    assert sms.rasa.seen == [f"message {i}" for i in range(5)]
