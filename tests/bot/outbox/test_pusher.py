"""The outbox pusher: delivers, waits for unreachable people, retries failures with backoff."""

from __future__ import annotations

import asyncio

from bot.outbox.pusher import OutboxPusher


def make(service, send):
    return OutboxPusher(lambda: service, "sms", send)


def test_delivers_nurse_replies_on_its_channel_only(service, nurses):
    sent = []

    async def send(message):
        sent.append((message.conversation_id, message.author, message.text))
        return True

    sms = service.request("c-sms", "sms", "asked").handoff
    service.request("c-web", "socketio", "asked")
    service.claim(sms.id, nurses[0].id)
    service.reply(sms.id, nurses[0].id, "Hello from Nurse 1")
    assert asyncio.run(make(service, send).push_once()) == 2
    assert [(c, a) for c, a, _ in sent] == [("c-sms", "system"), ("c-sms", "nurse")]
    assert asyncio.run(make(service, send).push_once()) == 0  # delivered once only


def test_unreachable_person_is_not_a_failure(service, nurses):
    async def closed(message):
        return False

    h = service.request("c1", "sms", "asked").handoff
    service.claim(h.id, nurses[0].id)
    assert asyncio.run(make(service, closed).push_once()) == 0
    assert len(service.pending_on("sms")) == 1  # still there, due at once


def test_failures_back_off_and_are_kept(service, nurses, clock):
    calls = []

    async def broken(message):
        calls.append(message.text)
        raise ConnectionError("provider down")

    h = service.request("c1", "sms", "asked").handoff
    service.claim(h.id, nurses[0].id)
    pusher = make(service, broken)
    asyncio.run(pusher.push_once())
    assert service.pending_on("sms") == []  # not due yet: waits 2 s
    clock.advance(seconds=2)
    asyncio.run(pusher.push_once())
    clock.advance(seconds=3)
    assert service.pending_on("sms") == []  # second failure waits 4 s
    clock.advance(seconds=1)
    assert len(service.pending_on("sms")) == 1
    assert len(calls) == 2
    for _ in range(12):
        clock.advance(minutes=5)
        asyncio.run(pusher.push_once())
    assert len(service.pending_for("c1")) == 1  # never dropped
    clock.advance(minutes=5)

    async def fixed(message):
        return True

    assert asyncio.run(make(service, fixed).push_once()) == 1
    assert service.pending_for("c1") == []
