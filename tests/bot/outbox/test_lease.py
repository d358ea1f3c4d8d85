"""Outbox leases: with several replicas each running a pusher, every message is sent exactly once."""

from __future__ import annotations

import asyncio

from bot.outbox.pusher import OutboxPusher


def queued(service, nurses, conversation="c1", channel="socketio"):
    handoff = service.request(conversation, channel, "asked").handoff
    service.claim(handoff.id, nurses[0].id)  # "Nurse 1 has joined"
    service.reply(handoff.id, nurses[0].id, "first reply")
    service.reply(handoff.id, nurses[0].id, "second reply")
    return handoff


def test_a_claimed_message_is_not_claimed_again_until_released_or_expired(service, nurses, clock):
    queued(service, nurses)
    first = service.claim_pending_on("socketio")
    assert [m.text for m in first] == ["Nurse 1, one of our specialist nurses, has joined the chat.",
                                       "first reply", "second reply"]  # fmt: skip
    assert service.claim_pending_on("socketio") == [] and service.claim_pending_for("c1") == []
    service.release([first[0].id])
    assert [m.id for m in service.claim_pending_on("socketio")] == [first[0].id]
    clock.advance(seconds=61)  # a sender that died mid-send: its lease runs out
    assert len(service.claim_pending_on("socketio")) == 3


def test_a_conversation_is_claimed_in_order_up_to_a_message_someone_else_holds(service, nurses):
    queued(service, nurses)
    [joined, first, second] = service.pending_for("c1")
    assert [m.id for m in service.claim_pending_for("c1")] == [joined.id, first.id, second.id]
    service.release([joined.id, second.id])
    assert [m.id for m in service.claim_pending_for("c1")] == [joined.id]  # not `second` before `first`


def test_delivered_and_failed_messages_give_up_their_lease(service, nurses, clock):
    queued(service, nurses)
    claimed = service.claim_pending_on("socketio")
    service.mark_delivered([claimed[0].id])
    service.mark_failed(claimed[1].id, "ConnectionError()")
    clock.advance(seconds=2)  # the retry is due; the lease no longer matters
    assert [m.id for m in service.claim_pending_on("socketio")] == [claimed[1].id]


def test_two_pushers_racing_send_each_message_once(service, nurses):
    for number in range(5):
        queued(service, nurses, conversation=f"c{number}")
    sent: list[int] = []

    async def send(message):
        await asyncio.sleep(0)  # let the other pusher run between sends
        sent.append(message.id)
        return True

    async def race():
        pushers = [OutboxPusher(lambda: service, "socketio", send) for _ in range(2)]
        return await asyncio.gather(*(p.push_once() for p in pushers))

    assert sum(asyncio.run(race())) == 15
    assert sorted(sent) == sorted(set(sent)) and len(sent) == 15
    assert service.pending_on("socketio") == []


def test_an_unreachable_person_leaves_the_message_claimable_at_once(service, nurses):
    queued(service, nurses)

    async def closed(message):
        return False

    assert asyncio.run(OutboxPusher(lambda: service, "socketio", closed).push_once()) == 0
    assert len(service.claim_pending_on("socketio")) == 3
