"""Rasa's replies for one SMS conversation: queued in the outbox as texts, buttons as numbered options."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional

from rasa.core.channels.channel import OutputChannel

from bot.channels.common import Channel
from bot.channels.sms.keywords import options_prompt
from bot.channels.sms.state import SmsStore
from bot.channels.sms.text import split
from bot.handoff.service import HandoffService
from bot.models import Author

logger = logging.getLogger(__name__)

# On a first contact the safety reply goes out before the disclaimer (bot/safety/disposition.py grades).
SAFETY_REPLIES = frozenset({"utter_emergency", "utter_urgent_symptom", "utter_crisis"})
DISCLAIMER = "utter_disclaimer"
CONTENT_ANSWER = "utter_content_answer"


class SmsOutput(OutputChannel):
    """Rasa's replies for one conversation: queued in the outbox, buttons turned into numbered options."""

    @classmethod
    def name(cls) -> str:
        return Channel.SMS.value

    def __init__(
        self, conversation_id: str, service: HandoffService, store: SmsStore, feedback_ask: Optional[str] = None
    ):
        self.conversation_id = conversation_id
        self._service = service
        self._store = store
        self._feedback_ask = feedback_ask  # "Did this help?…", until it is asked once (None: not to be asked)
        self.options: List[str] = []  # the payloads of the latest buttons, in the order offered
        self._held: List[str] = []  # the disclaimer, until this turn's first reply is known
        self._safety_recorded = False  # this turn's safety reply is recorded once

    async def queue(self, text: str, author: str = Author.BOT) -> None:
        """One outbox message per SMS of at most three segments, so a retry never resends a sent part."""
        for part in split(text):
            await asyncio.to_thread(self._service.send_later, self.conversation_id, Channel.SMS, author, part)

    async def release_held(self) -> None:
        """Sends the held disclaimer; called after a turn's first reply and at the end of the turn."""
        held, self._held = self._held, []
        for text in held:
            await self.queue(text)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        response = kwargs.get("utter_action")
        if response == DISCLAIMER:
            self._held.append(text)
            return
        if response in SAFETY_REPLIES:
            await self._after_safety_reply()
            await self.queue(text)
            await self.release_held()
            return
        await self.release_held()
        content_id = kwargs.get("content_id")
        if response == CONTENT_ANSWER and self._feedback_ask and isinstance(content_id, str):
            text = "\n".join([text, self._feedback_ask])  # once per number: the first content answer
            self._feedback_ask = None
            await asyncio.to_thread(self._store.feedback_asked, self.conversation_id, content_id)
        await self.queue(text)

    async def _after_safety_reply(self) -> None:
        """After emergency, urgent or crisis advice no feedback is asked (helpful, or a chat's rating), now or later."""
        self._feedback_ask = None
        if self._safety_recorded:
            return
        self._safety_recorded = True
        await asyncio.to_thread(self._store.safety_reply_sent, self.conversation_id)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.release_held()
        usable = [b for b in buttons if b.get("title") and b.get("payload")]
        if not usable:
            await self.queue(text)
            return
        await self.queue(f"{text} {options_prompt([str(b['title']) for b in usable])}")
        self.options = [str(b["payload"]) for b in usable]

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        """Keeps the full answer for MORE; other custom payloads mean nothing in a text message."""
        more = json_message.get("sms_more")
        if isinstance(more, str) and more.strip():
            await asyncio.to_thread(self._store.set_more, self.conversation_id, more)
            return
        logger.info("custom message (%s) not sent by SMS", ", ".join(sorted(json_message)) or "empty")
