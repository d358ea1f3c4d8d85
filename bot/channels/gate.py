"""Between a channel and Rasa: during a handoff, messages go to the nurse, not to the NLU.

One path for every channel: a message from the person is first given anything waiting
for them in the outbox (nurse replies, "a nurse has joined"), then goes either to the
open handoff or to Rasa.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage

from bot.handoff.service import HandoffService, Outgoing
from bot.safety.detector import SafetyDetector, shared_detector
from bot.wording import Wording

logger = logging.getLogger(__name__)

LEAVE_PHRASES = frozenset(
    {"cancel", "back to the bot", "back to bot", "leave the queue", "leave queue", "talk to the bot"}
)
_PUNCTUATION = re.compile(r"[^\w\s]")


def wants_to_leave(text: str) -> bool:
    """ "cancel" or "back to the bot", typed on its own (case and punctuation ignored)."""
    return " ".join(_PUNCTUATION.sub(" ", text.lower()).split()) in LEAVE_PHRASES


async def send(
    output: OutputChannel, recipient: str, author: str, text: str, sender_name: Optional[str] = None
) -> None:
    """Sends a nurse or system message, marked with who it is from where the channel allows."""
    if isinstance(output, CollectingOutputChannel):
        message = {"recipient_id": recipient, "text": text, "author": author}
        if sender_name:
            message["sender_name"] = sender_name
        output.messages.append(message)
        return
    await output.send_text_message(recipient, text)


class HandoffGate:
    def __init__(
        self,
        service_provider: Callable[[], HandoffService],
        wording: Optional[Wording] = None,
        detector: Optional[SafetyDetector] = None,
    ):
        self._service_provider = service_provider
        self._wording = wording
        self._detector = detector

    @property
    def _service(self) -> HandoffService:
        return self._service_provider()

    def _text(self, name: str, **values: Any) -> str:
        if self._wording is None:
            self._wording = Wording.from_domain()
        return self._wording.text(name, **values)

    async def deliver_pending(self, output: OutputChannel, conversation_id: str) -> None:
        """Claims what waits for the person first, so a replica's pusher cannot send it a second time."""
        pending: list[Outgoing] = await asyncio.to_thread(self._service.claim_pending_for, conversation_id)
        delivered: list[int] = []
        try:
            for message in pending:
                try:
                    await send(output, conversation_id, message.author, message.text, message.sender_name)
                except Exception as error:  # a channel failure must not lose the message: it stays in the outbox
                    logger.warning("delivery of outbox message %s failed: %s", message.id, type(error).__name__)
                    await asyncio.to_thread(self._service.mark_failed, message.id, repr(error))
                    break
                delivered.append(message.id)
        finally:
            await asyncio.to_thread(self._service.mark_delivered, delivered)
            await asyncio.to_thread(self._service.release, [m.id for m in pending if m.id not in delivered])

    async def handle(self, message: UserMessage, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        conversation_id = message.sender_id
        text = message.text or ""
        await self.deliver_pending(message.output_channel, conversation_id)
        if wants_to_leave(text):
            left = await asyncio.to_thread(self._service.cancel_by_person, conversation_id)
            if left is not None:
                await send(message.output_channel, conversation_id, "system", self._text("utter_handoff_cancelled"))
                return
        handoff = await asyncio.to_thread(self._service.person_says, conversation_id, text)
        if handoff is None:
            await on_new_message(message)  # the NLU's SafetyNet runs the same rule layer
            return
        logger.info("message for handoff %s passed to the nurse", handoff.id)
        await self._safety_check(message.output_channel, conversation_id, handoff.id, text)

    async def _safety_check(self, output: OutputChannel, conversation_id: str, handoff_id: int, text: str) -> None:
        """Mid-chat, the safe reply still goes out at once; the nurse is told and the chat moves up."""
        detector = self._detector or shared_detector()
        finding = await asyncio.to_thread(detector.check, text)
        if not finding.fired:
            return
        reply = self._text("utter_crisis" if finding.kind == "crisis" else "utter_urgent_symptom")
        await send(output, conversation_id, "system", reply)
        note = self._text("utter_safety_flag_for_nurse", reason=finding.reasons[0])
        await asyncio.to_thread(self._service.flag_safety, handoff_id, note)
        logger.warning("safety rule fired during handoff %s: %s", handoff_id, finding.kind)
