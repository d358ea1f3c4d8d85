"""Rasa's REST channel with the handoff gate: nurse replies come back in the response."""

from __future__ import annotations

import time
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.lock_store import LockStore
from sanic import Blueprint, Sanic
from sanic.request import Request

from bot.channels.gate import HandoffGate
from bot.channels.sms_state import CONVERSATION_PREFIX as SMS_PREFIX
from bot.channels.webchat import CONVERSATION_PREFIX as WEB_PREFIX
from bot.locks import holding_turn
from bot.outage import answering_or_asking_again, is_outage
from bot.wording import Wording

# Where the load balancer writes when a request reached it (nginx: `t=${msec}`); the metadata
# key that carries it, or the replica's own time of receipt, to the conversation's lock.
ARRIVAL_HEADER = "X-Request-Start"
ARRIVED_AT = "arrived_at"
# A stamp further off than this is not believed (a client's own header, or a skewed clock).
ARRIVAL_TRUST_SECONDS = 30.0

# Conversations that belong to another channel: the REST channel takes any sender id,
# so without this anyone who learnt such an id could read that person's nurse replies.
OTHER_CHANNELS = (WEB_PREFIX, SMS_PREFIX)


def arrival_time(header: Optional[str], now: float) -> float:
    """When the request reached the load balancer, from its X-Request-Start header; `now` if absent or implausible.

    Accepts seconds (nginx's `$msec`), milliseconds or microseconds, with or without `t=`.
    """
    try:
        stamp = float((header or "").strip().removeprefix("t="))
    except ValueError:
        return now
    for scale in (1.0, 1e3, 1e6):
        if abs(stamp / scale - now) <= ARRIVAL_TRUST_SECONDS:
            return stamp / scale
    return now


def _default_gate() -> HandoffGate:
    from bot.handoff.factory import get_handoffs

    return HandoffGate(lambda: get_handoffs().service)


class HelplineRestInput(RestInput):
    """Same URL and JSON as stock Rasa (/webhooks/rest/webhook); messages pass the gate first.

    When the database cannot be reached, the answer is a clear "please try again" rather than
    Rasa's empty list, or a reply from an empty conversation that nobody stores.

    Each message takes its conversation's ticket from Rasa's lock store as it arrives (see
    bot/locks.py), so a burst spread over several replicas is handled in the order it was sent.
    """

    def __init__(
        self,
        gate: Optional[HandoffGate] = None,
        wording: Optional[Wording] = None,
        lock_store: Optional[LockStore] = None,
    ):
        self._gate = gate
        self._wording = wording
        self._lock_store = lock_store
        self._app: Optional[Sanic] = None

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> HelplineRestInput:
        return cls()

    def _try_again(self) -> str:
        if self._wording is None:
            self._wording = Wording.from_domain()
        return self._wording.text("utter_try_again_later")

    def get_metadata(self, request: Request) -> Dict[str, Any]:
        """When the message arrived, so that the conversation's lock can queue it in arrival order."""
        return {ARRIVED_AT: arrival_time(request.headers.get(ARRIVAL_HEADER), time.time())}

    def _conversation_locks(self) -> Optional[LockStore]:
        """Rasa's own lock store, read per message: the agent is loaded after start-up, and again on a model reload."""
        if self._lock_store is not None:
            return self._lock_store
        agent = getattr(self._app.ctx, "agent", None) if self._app is not None else None
        return getattr(agent, "lock_store", None)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def gated(message: UserMessage) -> None:
            if message.sender_id.startswith(OTHER_CHANNELS):
                return
            if self._gate is None:
                self._gate = _default_gate()
            output = message.output_channel
            collected = output.messages if isinstance(output, CollectingOutputChannel) else None

            async def to_rasa(message: UserMessage) -> None:
                answered = len(collected) if isinstance(collected, list) else 0
                try:
                    await on_new_message(message)
                except BaseException as error:
                    if is_outage(error) and isinstance(collected, list):
                        del collected[answered:]  # replies to a turn that was not stored
                    raise

            gate = self._gate

            async def in_turn() -> None:
                arrived = (message.metadata or {}).get(ARRIVED_AT)
                async with holding_turn(self._conversation_locks(), message.sender_id, arrived):
                    await gate.handle(message, to_rasa)

            await answering_or_asking_again(
                in_turn, lambda: output.send_text_message(message.sender_id, self._try_again()), "rest"
            )

        blueprint = super().blueprint(gated)

        @blueprint.listener("before_server_start")
        async def remember_app(app: Sanic, _: Any) -> None:
            self._app = app
            if self._gate is None:  # now, not on the first message, which would arrive late at its lock
                self._gate = _default_gate()

        return blueprint
