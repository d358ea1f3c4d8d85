"""Rasa's REST channel with the handoff gate: nurse replies come back in the response."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from bot.channels.gate import HandoffGate
from bot.channels.sms_state import CONVERSATION_PREFIX as SMS_PREFIX
from bot.channels.webchat import CONVERSATION_PREFIX as WEB_PREFIX
from bot.outage import answering_or_asking_again, is_outage
from bot.wording import Wording

# Conversations that belong to another channel: the REST channel takes any sender id,
# so without this anyone who learnt such an id could read that person's nurse replies.
OTHER_CHANNELS = (WEB_PREFIX, SMS_PREFIX)


def _default_gate() -> HandoffGate:
    from bot.handoff.factory import get_handoffs

    return HandoffGate(lambda: get_handoffs().service)


class HelplineRestInput(RestInput):
    """Same URL and JSON as stock Rasa (/webhooks/rest/webhook); messages pass the gate first.

    When the database cannot be reached, the answer is a clear "please try again" rather than
    Rasa's empty list, or a reply from an empty conversation that nobody stores.
    """

    def __init__(self, gate: Optional[HandoffGate] = None, wording: Optional[Wording] = None):
        self._gate = gate
        self._wording = wording

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> HelplineRestInput:
        return cls()

    def _try_again(self) -> str:
        if self._wording is None:
            self._wording = Wording.from_domain()
        return self._wording.text("utter_try_again_later")

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
            await answering_or_asking_again(
                lambda: gate.handle(message, to_rasa),
                lambda: output.send_text_message(message.sender_id, self._try_again()),
                "rest",
            )

        return super().blueprint(gated)
