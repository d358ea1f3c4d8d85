"""One received text, handled: carrier keywords first, then the handoff gate; for the bot, MORE and option numbers."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.channels.common import Channel
from bot.channels.gate import HandoffGate
from bot.channels.sms.keywords import (
    HELP_WORDS,
    HELPED_WORDS,
    MORE_WORD,
    NOT_HELPED_WORDS,
    NURSE_WORDS,
    OPT_IN_WORDS,
    OPT_OUT_WORDS,
    REQUEST_NURSE,
    chat_rating,
    keyword,
    option_payload,
)
from bot.channels.sms.output import SmsOutput
from bot.channels.sms.state import Inbound, SmsState, SmsStore
from bot.channels.sms.text import numbered_parts
from bot.feedback.store import FeedbackStore
from bot.handoff.service import HandoffService
from bot.limits import TOO_LONG_RESPONSE, too_long
from bot.models import Author
from bot.wording import Wording

logger = logging.getLogger(__name__)

NOTHING_MORE = "utter_sms_nothing_more"
FEEDBACK_ASK = "utter_sms_feedback_ask"
FEEDBACK_THANKS = "utter_sms_feedback_thanks"


class SmsGate(HandoffGate):
    """The handoff gate for SMS, where the pusher, not the next incoming text, delivers the outbox.

    Delivering pending messages through the output channel would queue copies of them and
    race the pusher, so that step is left out; routing to the nurse or to Rasa is unchanged.
    """

    async def deliver_pending(self, output: OutputChannel, conversation_id: str) -> None:
        return None


async def _no_bot_reply(message: UserMessage) -> None:
    """For keywords and opted-out numbers: the gate may pass the text to a nurse, never to Rasa."""


class SmsProcessor:
    """Handles one received text: carrier keywords, then the gate; for the bot, MORE and option numbers."""

    def __init__(
        self,
        store: SmsStore,
        service_provider: Callable[[], HandoffService],
        wording_provider: Callable[[], Wording],
        gate: Optional[HandoffGate] = None,
        phone_provider: Optional[Callable[[], str]] = None,
        feedback_provider: Optional[Callable[[], FeedbackStore]] = None,
    ):
        self._store = store
        self._service_provider = service_provider
        self._wording_provider = wording_provider
        self._gate = gate or SmsGate(service_provider)
        self._phone_provider = phone_provider or _helpline_phone
        self._feedback_provider = feedback_provider or _feedback_store

    def _text(self, name: str, **values: Any) -> str:
        return self._wording_provider().text(name, **values)

    async def _notice(self, conversation_id: str, text: str) -> int:
        service = self._service_provider()
        return await asyncio.to_thread(service.send_later, conversation_id, Channel.SMS, Author.SYSTEM, text)

    async def _in_live_handoff(self, conversation_id: str) -> bool:
        service = self._service_provider()
        return await asyncio.to_thread(service.open_handoff, conversation_id) is not None

    async def handle(self, inbound: Inbound, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        conversation_id = inbound.conversation_id
        state = await asyncio.to_thread(self._store.state, conversation_id)
        if state is None:
            raise LookupError(f"no SMS conversation {conversation_id}")
        text = inbound.text.strip()
        if too_long(text):  # at the edge: before keywords, the gate or the NLU (bot/limits.py)
            await self._notice(conversation_id, self._text(TOO_LONG_RESPONSE))
            return
        ask = None if state.feedback_asked else self._text(FEEDBACK_ASK)
        output = SmsOutput(conversation_id, self._service_provider(), self._store, ask)
        message = UserMessage(text, output, conversation_id, input_channel=Channel.SMS.value)
        word = keyword(text)

        if word in OPT_OUT_WORDS and not (word == "cancel" and await self._in_live_handoff(conversation_id)):
            await self._stop(state)
            await self._gate.handle(message, _no_bot_reply, acknowledge=False)  # a nurse in the chat sees the STOP
            return
        if word in OPT_IN_WORDS and (word != "yes" or state.opted_out):
            await asyncio.to_thread(self._store.opt_in, conversation_id)
            await self._notice(conversation_id, self._text("utter_sms_started"))
            logger.info("conversation %s texted %s: messages resume", conversation_id, word.upper())
            await self._gate.handle(message, _no_bot_reply, acknowledge=False)
            return
        if word in HELP_WORDS:
            if state.opted_out:
                logger.info("conversation %s texted %s while opted out: not answered", conversation_id, word.upper())
            else:
                await self._notice(conversation_id, self._text("utter_sms_help", phone=self._phone_provider()))
            await self._gate.handle(message, _no_bot_reply, acknowledge=False)
            return
        if state.opted_out:
            logger.info("conversation %s is opted out: text passed to the gate only, no bot reply", conversation_id)
            await self._gate.handle(message, _no_bot_reply, acknowledge=False)
            return

        async def to_bot(message: UserMessage) -> None:
            await self._to_bot(message, output, state, on_new_message)

        await self._gate.handle(message, to_bot)

    async def _stop(self, state: SmsState) -> None:
        if state.opted_out:
            logger.info("conversation %s texted STOP again: already opted out", state.conversation_id)
            return
        notice = await self._notice(state.conversation_id, self._text("utter_sms_stopped"))
        await asyncio.to_thread(self._store.opt_out, state.conversation_id, notice)
        logger.info("conversation %s opted out (STOP): nothing more is sent until START", state.conversation_id)

    async def _to_bot(
        self,
        message: UserMessage,
        output: SmsOutput,
        state: SmsState,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        text = message.text or ""
        if state.csat_handoff_id is not None:
            rating = chat_rating(text)
            # Asked once: anything but a rating is handled as any other text, and the question is closed.
            await asyncio.to_thread(self._store.csat_answered, state.conversation_id)
            if rating is not None:
                await self._rate_chat(output, state.conversation_id, state.csat_handoff_id, rating)
                return
        if state.feedback_content_id and keyword(text) in HELPED_WORDS | NOT_HELPED_WORDS:
            await self._feedback(output, state, keyword(text) in HELPED_WORDS)
            return
        if not text:
            await output.queue(self._text("utter_how_can_i_help"))
        elif keyword(text) == MORE_WORD:
            await self._more(output, state)
        else:
            payload = REQUEST_NURSE if keyword(text) in NURSE_WORDS else option_payload(text, state.options)
            if payload is not None:
                message = UserMessage(payload, output, message.sender_id, input_channel=Channel.SMS.value)
            await on_new_message(message)
        await output.release_held()
        await asyncio.to_thread(self._store.set_options, state.conversation_id, output.options)

    async def _feedback(self, output: SmsOutput, state: SmsState, helped: bool) -> None:
        """HELPED or NOT HELPED, answering "Did this help?": stored against the entry, confirmed, not sent to Rasa."""
        assert state.feedback_content_id is not None
        store = self._feedback_provider()
        conversation_id = state.conversation_id
        await asyncio.to_thread(store.record_helpful, conversation_id, Channel.SMS, state.feedback_content_id, helped)
        await asyncio.to_thread(self._store.feedback_answered, conversation_id)
        await output.queue(self._text(FEEDBACK_THANKS))

    async def _rate_chat(self, output: SmsOutput, conversation_id: str, handoff_id: int, rating: int) -> None:
        """1 to 5, answering the close notice's question: stored against the chat and confirmed, not a turn for Rasa."""
        store = self._feedback_provider()
        await asyncio.to_thread(store.record_csat, conversation_id, Channel.SMS, rating, handoff_id)
        await output.queue(self._text(FEEDBACK_THANKS))

    async def _more(self, output: SmsOutput, state: SmsState) -> None:
        """The rest of the last answer in numbered parts (1/2, 2/2), once; after that MORE says there is no more."""
        if not state.more:
            await output.queue(self._text(NOTHING_MORE))
            return
        for part in numbered_parts(state.more):
            await output.queue(part)
        await asyncio.to_thread(self._store.clear_more, state.conversation_id)

    async def apologise(self, conversation_id: str) -> None:
        """Tells the person their text could not be answered, so silence is never the only reply."""
        wording = self._wording_provider()
        try:
            text = wording.text("utter_sms_error")
        except KeyError:
            text = wording.text("utter_default")
        service = self._service_provider()
        await asyncio.to_thread(service.send_later, conversation_id, Channel.SMS, Author.SYSTEM, text)


def _helpline_phone() -> str:
    """The helpline's number from config/helpline.yml, its one home; read when asked, so an edit needs no restart."""
    from bot.bootstrap import root
    from bot.hours import OpeningHours

    return OpeningHours.from_file(root().settings.helpline_config).phone


def _feedback_store() -> FeedbackStore:
    from bot.feedback.factory import get_feedback_store

    return get_feedback_store()
