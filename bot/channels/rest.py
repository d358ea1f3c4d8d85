"""Rasa's REST channel with the handoff gate: nurse replies come back in the response."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from bot.channels.gate import HandoffGate
from bot.channels.sms_state import CONVERSATION_PREFIX as SMS_PREFIX
from bot.channels.webchat import CONVERSATION_PREFIX as WEB_PREFIX

# Conversations that belong to another channel: the REST channel takes any sender id,
# so without this anyone who learnt such an id could read that person's nurse replies.
OTHER_CHANNELS = (WEB_PREFIX, SMS_PREFIX)


def _default_gate() -> HandoffGate:
    from bot.handoff.factory import get_handoffs

    return HandoffGate(lambda: get_handoffs().service)


class HelplineRestInput(RestInput):
    """Same URL and JSON as stock Rasa (/webhooks/rest/webhook); messages pass the gate first."""

    def __init__(self, gate: Optional[HandoffGate] = None):
        self._gate = gate

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> HelplineRestInput:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def gated(message: UserMessage) -> None:
            if message.sender_id.startswith(OTHER_CHANNELS):
                return
            if self._gate is None:
                self._gate = _default_gate()
            await self._gate.handle(message, on_new_message)

        return super().blueprint(gated)
