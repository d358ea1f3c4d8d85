"""Between a channel and Rasa: during a handoff, messages go to the nurse, not to the NLU.

One path for every channel: a message from the person is first given anything waiting
for them in the outbox (nurse replies, "a nurse has joined"), then goes either to the
open handoff or to Rasa.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Optional, Sequence

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage

from bot.handoff.journey import Journey, journey_for
from bot.handoff.service import HandoffService
from bot.models import Author
from bot.outbox.store import Outgoing
from bot.safety.detector import SafetyDetector, shared_detector
from bot.safety.disposition import (
    CRISIS,
    GRADE_RESPONSE,
    URGENT,
    URGENT_HELP_PAYLOAD,
    Disposition,
    decide,
    nurse_reason,
    safety_reply,
)
from bot.wording import Wording

logger = logging.getLogger(__name__)

# "leave the queue" is also the payload of the web's "Leave the queue" button (domain.yml).
LEAVE_PHRASES = frozenset(
    {"cancel", "back to the bot", "back to bot", "leave the queue", "leave queue", "talk to the bot"}
)
_PUNCTUATION = re.compile(r"[^\w\s]")


def wants_to_leave(text: str) -> bool:
    """ "cancel" or "back to the bot", typed on its own (case and punctuation ignored)."""
    return " ".join(_PUNCTUATION.sub(" ", text.lower()).split()) in LEAVE_PHRASES


async def send(
    output: OutputChannel,
    recipient: str,
    author: str,
    text: str,
    sender_name: Optional[str] = None,
    buttons: Sequence[dict] = (),
) -> None:
    """Sends a nurse or system message, marked with who it is from where the channel allows."""
    if isinstance(output, CollectingOutputChannel):
        message: dict[str, Any] = {"recipient_id": recipient, "text": text, "author": author}
        if sender_name:
            message["sender_name"] = sender_name
        if buttons:
            message["buttons"] = list(buttons)
        output.messages.append(message)
        return
    if buttons:
        await output.send_text_with_buttons(recipient, text, list(buttons))
        return
    await output.send_text_message(recipient, text)


class HandoffGate:
    def __init__(
        self,
        service_provider: Callable[[], HandoffService],
        wording: Optional[Wording] = None,
        detector: Optional[SafetyDetector] = None,
        journey_provider: Optional[Callable[[], Journey]] = None,
    ):
        self._service_provider = service_provider
        self._wording = wording
        self._detector = detector
        self._journey_provider = journey_provider
        self._journeys: dict[int, Journey] = {}

    def journey(self) -> Journey:
        """Queue notices and presence for this gate's handoff service (the opening hours of HELPLINE_CONFIG)."""
        if self._journey_provider is not None:
            return self._journey_provider()
        service = self._service
        if id(service) not in self._journeys:
            from bot.bootstrap import root
            from bot.hours import OpeningHours

            hours = OpeningHours.from_file(root().settings.helpline_config)
            self._journeys[id(service)] = journey_for(service, hours)
        return self._journeys[id(service)]

    @property
    def _service(self) -> HandoffService:
        return self._service_provider()

    def _words(self) -> Wording:
        if self._wording is None:
            from bot.bootstrap import root

            self._wording = root().wording
        return self._wording

    def _text(self, name: str, **values: Any) -> str:
        return self._words().text(name, **values)

    async def deliver_pending(self, output: OutputChannel, conversation_id: str) -> None:
        """Claims what waits for the person first, so a replica's pusher cannot send it a second time."""
        pending: list[Outgoing] = await asyncio.to_thread(self._service.claim_pending_for, conversation_id)
        delivered: list[int] = []
        try:
            for message in pending:
                try:
                    await send(
                        output, conversation_id, message.author, message.text, message.sender_name, message.buttons
                    )
                except Exception as error:  # a channel failure must not lose the message: it stays in the outbox
                    logger.warning("delivery of outbox message %s failed: %s", message.id, type(error).__name__)
                    await asyncio.to_thread(self._service.mark_failed, message.id, repr(error))
                    break
                delivered.append(message.id)
        finally:
            await asyncio.to_thread(self._service.mark_delivered, delivered)
            await asyncio.to_thread(self._service.release, [m.id for m in pending if m.id not in delivered])

    async def handle(
        self,
        message: UserMessage,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        *,
        acknowledge: bool = True,  # False for carrier keywords (STOP, START, HELP): never answered while queued
    ) -> None:
        conversation_id = message.sender_id
        text = message.text or ""
        await self.deliver_pending(message.output_channel, conversation_id)
        journey = self.journey()
        if await asyncio.to_thread(journey.presence.back, conversation_id):  # an abandoned chat rejoins the queue
            await self.deliver_pending(message.output_channel, conversation_id)  # "welcome back, you're number 2"
        if wants_to_leave(text):
            left = await asyncio.to_thread(self._service.cancel_by_person, conversation_id)
            if left is not None:
                await send(
                    message.output_channel, conversation_id, Author.SYSTEM, self._text("utter_handoff_cancelled")
                )
                return
        handoff = await asyncio.to_thread(self._service.person_says, conversation_id, text)
        if handoff is None:
            await on_new_message(message)  # the NLU's SafetyNet runs the same rule layer
            return
        logger.info("message for handoff %s passed to the nurse", handoff.id)
        if await self._safety_check(message.output_channel, conversation_id, handoff.id, text):
            return
        ack = await asyncio.to_thread(journey.queue_notices.acknowledge, handoff) if acknowledge else None
        if ack is not None:  # never silence while queued, and never every line
            await send(message.output_channel, conversation_id, Author.SYSTEM, ack.text, buttons=ack.buttons)
            await asyncio.to_thread(self._service.record_bot_turn, handoff.id, Author.BOT, ack.text)

    async def _safety_check(self, output: OutputChannel, conversation_id: str, handoff_id: int, text: str) -> bool:
        """Mid-chat, the graded safe reply still goes out at once; the nurse is told and the chat moves up.

        The rule layer decides alone here (bot/safety/disposition.py): emergency, urgent or crisis; the widget's
        "Urgent help" button (its payload) is urgent.
        The transcript shows the advice the person was given, then a note naming the red flag.
        """
        detector = self._detector or shared_detector()
        finding = await asyncio.to_thread(detector.check, text)
        disposition = Disposition(URGENT) if text.strip() == URGENT_HELP_PAYLOAD else decide(text, finding)
        if not (disposition.urgent_route or disposition.grade == CRISIS):
            return False
        try:
            reply = self._text(safety_reply(disposition))
        except KeyError:  # a channel's own wording without the graded responses
            reply = self._text(GRADE_RESPONSE[CRISIS if disposition.grade == CRISIS else URGENT])
        await send(output, conversation_id, Author.SYSTEM, reply)
        await asyncio.to_thread(self._service.record_bot_turn, handoff_id, Author.BOT, reply)
        try:
            reason = nurse_reason(disposition, self._words())
        except KeyError:
            reason = "; ".join(disposition.red_flags)
        note = self._text("utter_safety_flag_for_nurse", reason=reason)
        await asyncio.to_thread(self._service.flag_safety, handoff_id, note)
        logger.warning("safety rule fired during handoff %s: %s", handoff_id, disposition.grade)
        return True
