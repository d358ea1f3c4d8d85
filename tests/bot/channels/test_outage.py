"""A database outage in the REST channel: the person is asked to try again, and nothing pretends the turn was stored."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

from bot.channels import rest_body
from bot.channels.gate import HandoffGate
from bot.channels.rest import HelplineRestInput
from bot.rasa_runtime.locks import HelplineInMemoryLockStore, HelplineRedisLockStore
from bot.rasa_runtime.outage import DatabaseUnavailable
from bot.wording import Wording
from ops.ports import free_port
from tests.bot.rasa_runtime.test_outage import database_down

TRY_AGAIN = Wording.from_domain().text("utter_try_again_later")


def post(channel: HelplineRestInput, on_new_message, text: str = "hello", sender: str = "p1") -> list:
    """Calls the channel's webhook handler as Sanic would, with a minimal request."""
    blueprint = channel.blueprint(on_new_message)
    [receive] = [route.handler for route in blueprint._future_routes if route.uri == "/webhook"]
    body = {"sender": sender, "message": text}
    # The blueprint's middleware (refuse_bad_body) has checked the body before the handler runs.
    checked = SimpleNamespace(rest_body=rest_body.parse(json.dumps(body).encode()))
    request = SimpleNamespace(json=body, args={}, headers={}, ctx=checked)
    return json.loads(asyncio.run(receive(request)).body)


class DownService:
    def claim_pending_for(self, conversation_id):
        raise database_down()


def test_rest_answers_please_try_again_when_the_gate_cannot_reach_the_database():
    async def rasa(message):
        raise AssertionError("must not be reached")

    replies = post(HelplineRestInput(HandoffGate(lambda: DownService())), rasa)
    assert replies == [{"recipient_id": "p1", "text": TRY_AGAIN}]


def test_rest_drops_replies_to_a_turn_the_tracker_store_could_not_keep(service, nurses):
    handoff = service.request("p1", "rest", "asked").handoff
    service.claim(handoff.id, nurses[0].id)
    service.cancel_by_person("p1")  # the "has joined" notice still waits in the outbox

    async def rasa(message):
        await message.output_channel.send_text_message(message.sender_id, "an answer nobody stored")
        raise DatabaseUnavailable("tracker store down")

    replies = post(HelplineRestInput(HandoffGate(lambda: service)), rasa)
    assert [r["text"] for r in replies] == [
        "Nurse 1, one of our specialist nurses, has joined the chat.",  # delivered: it stays in the answer
        TRY_AGAIN,
    ]


def test_other_errors_are_not_reported_as_an_outage(service):
    async def rasa(message):
        raise ValueError("a bug")

    assert post(HelplineRestInput(HandoffGate(lambda: service)), rasa) == []  # stock Rasa: logged, empty answer


def test_rest_answers_please_try_again_when_the_lock_store_cannot_be_reached(service):
    unreachable = HelplineRedisLockStore(host="127.0.0.1", port=free_port(), socket_timeout=1)

    async def rasa(message):
        raise AssertionError("must not be reached")

    replies = post(HelplineRestInput(HandoffGate(lambda: service), lock_store=unreachable), rasa)
    assert replies == [{"recipient_id": "p1", "text": TRY_AGAIN}]


def test_rest_holds_the_conversations_ticket_through_the_gate_and_rasas_turn(service):
    locks = HelplineInMemoryLockStore()
    tickets = []

    def tickets_now(conversation_id: str) -> int:
        lock = locks.get_lock(conversation_id)
        return len(lock.tickets) if lock else 0

    async def rasa(message):
        tickets.append(tickets_now(message.sender_id))  # taken by the channel, before Rasa's turn
        async with locks.lock(message.sender_id):  # as Rasa's agent does: re-entrant, no second ticket
            tickets.append(tickets_now(message.sender_id))
        await message.output_channel.send_text_message(message.sender_id, "an answer")

    replies = post(HelplineRestInput(HandoffGate(lambda: service), lock_store=locks), rasa)
    assert [r["text"] for r in replies] == ["an answer"]
    assert tickets == [1, 1]
    assert locks.get_lock("p1") is None
