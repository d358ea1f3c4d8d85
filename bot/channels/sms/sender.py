"""The outbox's SMS sends through Twilio: STOP honoured, each conversation in order, long texts in parts."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any, Callable

from twilio.base.exceptions import TwilioRestException

from bot.channels.common import Channel
from bot.channels.sms.config import SmsConfig
from bot.channels.sms.state import SmsState, SmsStore
from bot.channels.sms.text import split
from bot.feedback.factory import get_feedback_store
from bot.feedback.store import FeedbackStore
from bot.handoff.service import HandoffService
from bot.models import Author
from bot.outbox.store import Outgoing
from bot.wording import Wording

logger = logging.getLogger(__name__)
# Twilio's client logs every request's URL and headers at INFO; only its warnings belong in our logs.
_twilio_http_logger = logging.getLogger(f"{__name__}.twilio_http")
_twilio_http_logger.setLevel(logging.WARNING)

TWILIO_OPTED_OUT = 21610  # "Attempt to send to unsubscribed recipient"
# Twilio errors no retry can cure: the number is invalid, not a mobile, unreachable by SMS, or in a region
# the account may not text. Such a message fails once, loudly, and is never retried (issue 13).
TWILIO_UNDELIVERABLE = frozenset({21211, 21408, 21612, 21614})
SEND_TIMEOUT = 15.0
HELD = "held: the person has texted STOP; sent after START"
CLOSED_NOTICE = "utter_handoff_closed"  # a nurse ended the chat (bot/handoff/nurse_side.py)
CSAT_ASK = "utter_sms_csat_ask"  # added to it once: "How was your chat with the nurse? Reply 1 … 5"


class SmsSendError(Exception):
    """A send that failed; the message says why without the number or the text."""


class TwilioTransmitter:
    """Sends one SMS with Twilio's REST client (blocking: call it in a worker thread)."""

    def __init__(self, config: SmsConfig):
        self._config = config
        self._client: Any = None

    def _make_client(self) -> Any:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        client = Client(
            self._config.account_sid,
            self._config.auth_token,
            http_client=TwilioHttpClient(timeout=SEND_TIMEOUT, logger=_twilio_http_logger),
        )
        if self._config.api_base_url:
            client.api.base_url = self._config.api_base_url.rstrip("/")
        return client

    def __call__(self, to: str, body: str) -> None:
        if self._client is None:
            self._client = self._make_client()
        self._client.messages.create(to=to, from_=self._config.twilio_number, body=body)


Transmit = Callable[[str, str], None]


class SmsSender:
    """The OutboxPusher's send for SMS: honours STOP, keeps each conversation in order, splits long texts."""

    def __init__(
        self,
        store: SmsStore,
        service_provider: Callable[[], HandoffService],
        transmit: Transmit,
        wording_provider: Callable[[], Wording],
        feedback_provider: Callable[[], FeedbackStore] = get_feedback_store,
    ):
        self._store = store
        self._service_provider = service_provider
        self._transmit = transmit
        self._wording_provider = wording_provider
        self._feedback_provider = feedback_provider
        self._parts_sent: dict[int, int] = {}  # outbox id -> parts already accepted by Twilio
        self._sent: OrderedDict[int, None] = OrderedDict()  # sent but maybe not yet marked delivered

    def format(self, message: Outgoing) -> str:
        if message.author == Author.NURSE and message.sender_name:
            wording = self._wording_provider()
            return wording.text("utter_message_from_nurse", nurse=message.sender_name, text=message.text)
        return message.text

    async def _with_rating_ask(self, message: Outgoing, state: SmsState, text: str) -> str:
        """A nurse chat's close notice asks for a rating, as on the web; never after safety advice or an urgent chat.

        A retry of the same notice asks the same, so its parts stay the same.
        """
        wording = self._wording_provider()
        if message.author != Author.SYSTEM or state.safety_replied or text != wording.text(CLOSED_NOTICE, Channel.SMS):
            return text
        feedback = self._feedback_provider()
        chat = await asyncio.to_thread(feedback.closed_chat, message.conversation_id, routine_only=True)
        if chat is None:
            return text
        await asyncio.to_thread(self._store.csat_asked, message.conversation_id, chat)
        return "\n".join([text, wording.text(CSAT_ASK)])

    async def _waits_for_older(self, message: Outgoing, state: SmsState) -> bool:
        """Whether an older message of the same conversation must go first (held ones from before START don't)."""
        service = self._service_provider()
        pending = await asyncio.to_thread(service.pending_for, message.conversation_id)
        newer_segment = message.id > state.order_floor
        return any(
            other.id < message.id and other.id not in self._sent and (other.id > state.order_floor) == newer_segment
            for other in pending
            if other.channel == Channel.SMS
        )

    async def __call__(self, message: Outgoing) -> bool:
        service = self._service_provider()
        state = await asyncio.to_thread(self._store.state, message.conversation_id)
        if state is None:  # never an SMS conversation (or erased): no retry can ever deliver it
            await asyncio.to_thread(service.mark_failed, message.id, "not sent: no phone number is on file")
            logger.error("outbox message %s for %s cannot be sent by SMS: no number on file; given up", message.id,
                         message.conversation_id)  # fmt: skip
            return True
        stop_notice = message.id == state.stop_notice_id
        if stop_notice and not state.opted_out:
            await asyncio.to_thread(service.mark_failed, message.id, "not sent: the person texted START before it went")
            logger.info("outbox message %s (STOP confirmation) dropped: START came first", message.id)
            return True
        if state.opted_out and not stop_notice:
            attempts = await asyncio.to_thread(service.mark_failed, message.id, HELD)
            if attempts == 1:
                logger.warning(
                    "outbox message %s held: conversation %s has opted out", message.id, state.conversation_id
                )
            return False
        if not stop_notice and await self._waits_for_older(message, state):
            return False
        parts = split(await self._with_rating_ask(message, state, self.format(message)))
        if not parts:
            logger.warning("outbox message %s has no text to send", message.id)
            return True
        for index in range(self._parts_sent.get(message.id, 0), len(parts)):
            try:
                await asyncio.to_thread(self._transmit, state.phone, parts[index])
            except TwilioRestException as error:
                self._parts_sent[message.id] = index
                if error.code == TWILIO_OPTED_OUT:
                    return await self._opted_out_at_twilio(message, state, stop_notice)
                if error.code in TWILIO_UNDELIVERABLE:
                    return await self._undeliverable(message, error.code)
                raise SmsSendError(f"Twilio refused the SMS: HTTP {error.status}, error {error.code}") from None
            except Exception as error:
                self._parts_sent[message.id] = index
                raise SmsSendError(f"could not reach Twilio: {type(error).__name__}") from None
        self._parts_sent.pop(message.id, None)
        self._sent[message.id] = None
        while len(self._sent) > 1000:
            self._sent.popitem(last=False)
        return True

    async def _undeliverable(self, message: Outgoing, code: int) -> bool:
        """The number can never receive this text: recorded on the message and logged as an error, not retried."""
        self._parts_sent.pop(message.id, None)
        service = self._service_provider()
        error = f"not sent: Twilio cannot deliver to this number (error {code})"
        await asyncio.to_thread(service.mark_failed, message.id, error)
        logger.error("outbox message %s for %s cannot be sent by SMS: Twilio error %s; given up", message.id,
                     message.conversation_id, code)  # fmt: skip
        return True

    async def _opted_out_at_twilio(self, message: Outgoing, state: SmsState, stop_notice: bool) -> bool:
        """Twilio's own STOP handling blocked the number: hold like our STOP (Twilio confirms STOP itself)."""
        await asyncio.to_thread(self._store.opt_out, state.conversation_id, None)
        logger.warning("Twilio reports conversation %s opted out (error %s)", state.conversation_id, TWILIO_OPTED_OUT)
        if stop_notice:
            service = self._service_provider()
            await asyncio.to_thread(service.mark_failed, message.id, "not sent: Twilio confirmed the STOP itself")
            return True
        raise SmsSendError(f"Twilio: the number has opted out (error {TWILIO_OPTED_OUT})")
