"""Rasa's REST channel with the handoff gate: nurse replies come back in the response."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from bot.channels.gate import HandoffGate


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
            if self._gate is None:
                self._gate = _default_gate()
            await self._gate.handle(message, on_new_message)

        return super().blueprint(gated)
