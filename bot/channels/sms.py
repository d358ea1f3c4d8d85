"""The SMS channel over Twilio: signed webhooks in, every reply out through the outbox.

Twilio posts each text to /webhooks/twilio/webhook. The request is accepted only with a
valid X-Twilio-Signature; the text is stored (encrypted) before Twilio gets its empty
TwiML answer, then handled in the background, one text at a time per number: carrier
keywords (STOP, START, HELP), MORE, option numbers, and otherwise the handoff gate and
Rasa. Replies never go back in the HTTP answer: they are queued in the outbox and an
OutboxPusher sends them through Twilio's REST API, retrying with backoff.

The phone number is only ever in the sms_conversations table (encrypted) and in the
request to Twilio; everywhere else, logs and Rasa's tracker included, the person is the
keyed hash "sms-<hex>".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Mapping, Optional
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from bot.channels.delivery import OutboxPusher
from bot.channels.gate import HandoffGate
from bot.channels.sms_state import Inbound, SmsKeys, SmsState, SmsStore
from bot.channels.sms_text import numbered_parts, split
from bot.handoff.service import HandoffService, Outgoing
from bot.limits import TOO_LONG_RESPONSE, too_long
from bot.wording import Wording

logger = logging.getLogger(__name__)
# Twilio's client logs every request's URL and headers at INFO; only its warnings belong in our logs.
_twilio_http_logger = logging.getLogger(f"{__name__}.twilio_http")
_twilio_http_logger.setLevel(logging.WARNING)

CHANNEL = "twilio"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
TWILIO_OPTED_OUT = 21610  # "Attempt to send to unsubscribed recipient"
# Twilio errors no retry can cure: the number is invalid, not a mobile, unreachable by SMS, or in a region
# the account may not text. Such a message fails once, loudly, and is never retried (issue 13).
TWILIO_UNDELIVERABLE = frozenset({21211, 21408, 21612, 21614})
SEND_TIMEOUT = 15.0
MAX_ATTEMPTS = 3  # a text that crashed the process this often is answered with an apology instead
SWEEP_INTERVAL = 30.0

# Twilio's default keywords (single-word messages). "cancel" also leaves the nurse queue:
# while a live handoff is open it goes to the gate and is not an opt-out.
OPT_OUT_WORDS = frozenset({"stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "optout", "revoke"})
OPT_IN_WORDS = frozenset({"start", "unstop", "yes"})  # "yes" only re-subscribes when opted out: it also answers offers
HELP_WORDS = frozenset({"help", "info"})
MORE_WORD = "more"
NURSE_WORDS = frozenset({"nurse"})  # outside a handoff, asks for a nurse (in one, it goes to the nurse)
REQUEST_NURSE = "/request_nurse"
NOTHING_MORE = "utter_sms_nothing_more"
REQUIRED_RESPONSES = ("utter_sms_help", "utter_sms_stopped", "utter_sms_started", "utter_message_from_nurse")

_NOT_WORD = re.compile(r"[^\w\s]")
_OPTION = re.compile(r"^\s*(?:#|option|opt|number|no\.?)?\s*(\d{1,2})\s*[.)]?\s*$", re.IGNORECASE)
_ORDINAL = re.compile(
    r"^\s*(?:the\s+)?(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)(?:\s+(?:one|option))?"
    r"(?:\s+(?:please|pls|plz))?\s*[.!]?\s*$",
    re.IGNORECASE,
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_ORDINALS.update({"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5})
# On a first contact the safety reply goes out before the disclaimer (bot/safety/disposition.py grades).
SAFETY_REPLIES = frozenset({"utter_emergency", "utter_urgent_symptom", "utter_crisis"})
DISCLAIMER = "utter_disclaimer"
_TITLE_END = re.compile(r"[\s.?!:;,]+$")

HELD = "held: the person has texted STOP; sent after START"


def keyword(text: str) -> str:
    """The message as a keyword candidate: lower case, punctuation dropped, spaces collapsed."""
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


def option_payload(text: str, payloads: List[str]) -> Optional[str]:
    """The payload a reply of just "1", "option 2", "the first one"… stands for, if the last buttons offered it."""
    match, ordinal = _OPTION.match(text), _ORDINAL.match(text)
    if match:
        number = int(match.group(1))
    elif ordinal:
        number = _ORDINALS[ordinal.group(1).lower()]
    else:
        return None
    return payloads[number - 1] if 1 <= number <= len(payloads) else None


def options_prompt(titles: List[str]) -> str:
    choices = ", ".join(f"{i} for {_TITLE_END.sub('', title)}" for i, title in enumerate(titles, start=1))
    return f"Reply {choices}."


@dataclass(frozen=True)
class SmsConfig:
    account_sid: str
    auth_token: str
    twilio_number: str
    public_url: str  # the webhook URL exactly as configured in Twilio: signatures are computed over it
    conversation_key: str
    api_base_url: Optional[str] = None  # Twilio's API host unless set (tests point it at a stand-in)

    KEYS = {
        "account_sid": "TWILIO_ACCOUNT_SID",
        "auth_token": "TWILIO_AUTH_TOKEN",
        "twilio_number": "TWILIO_NUMBER",
        "public_url": "TWILIO_PUBLIC_URL",
        "api_base_url": "TWILIO_API_BASE_URL",
        "conversation_key": "HELPLINE_SMS_KEY",
    }

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]], env: Mapping[str, str]) -> SmsConfig:
        """credentials.yml values first, then the environment; refuses to start with anything missing."""
        credentials = credentials or {}
        values = {
            key: str(credentials.get(key) or env.get(variable) or "").strip() for key, variable in cls.KEYS.items()
        }
        missing = [f"{key} ({cls.KEYS[key]})" for key, value in values.items() if not value and key != "api_base_url"]
        if missing:
            raise ValueError(f"the SMS channel needs {', '.join(missing)} in credentials.yml or the environment")
        return cls(
            account_sid=values["account_sid"],
            auth_token=values["auth_token"],
            twilio_number=values["twilio_number"],
            public_url=values["public_url"],
            conversation_key=values["conversation_key"],
            api_base_url=values["api_base_url"] or None,
        )


class WebhookForm(Dict[str, List[str]]):
    """Twilio's POST parameters with blank values kept: an empty Body is signed too (Sanic's form drops it)."""

    @classmethod
    def parse(cls, request: Request) -> WebhookForm:
        return cls(parse_qs(request.body.decode("utf-8"), keep_blank_values=True))

    def getlist(self, name: str) -> List[str]:
        return self[name]

    def first(self, name: str) -> str:
        return (self.get(name) or [""])[0]


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


class SmsOutput(OutputChannel):
    """Rasa's replies for one conversation: queued in the outbox, buttons turned into numbered options."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self, conversation_id: str, service: HandoffService, store: SmsStore):
        self.conversation_id = conversation_id
        self._service = service
        self._store = store
        self.options: List[str] = []  # the payloads of the latest buttons, in the order offered
        self._held: List[str] = []  # the disclaimer, until this turn's first reply is known

    async def queue(self, text: str, author: str = "bot") -> None:
        """One outbox message per SMS of at most three segments, so a retry never resends a sent part."""
        for part in split(text):
            await asyncio.to_thread(self._service.send_later, self.conversation_id, CHANNEL, author, part)

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
            await self.queue(text)
            await self.release_held()
            return
        await self.release_held()
        await self.queue(text)

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
    ):
        self._store = store
        self._service_provider = service_provider
        self._wording_provider = wording_provider
        self._gate = gate or SmsGate(service_provider)
        self._phone_provider = phone_provider or _helpline_phone

    def _text(self, name: str, **values: Any) -> str:
        return self._wording_provider().text(name, **values)

    async def _notice(self, conversation_id: str, text: str) -> int:
        service = self._service_provider()
        return await asyncio.to_thread(service.send_later, conversation_id, CHANNEL, "system", text)

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
        output = SmsOutput(conversation_id, self._service_provider(), self._store)
        message = UserMessage(text, output, conversation_id, input_channel=CHANNEL)
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
        if not text:
            await output.queue(self._text("utter_how_can_i_help"))
        elif keyword(text) == MORE_WORD:
            await self._more(output, state)
        else:
            payload = REQUEST_NURSE if keyword(text) in NURSE_WORDS else option_payload(text, state.options)
            if payload is not None:
                message = UserMessage(payload, output, message.sender_id, input_channel=CHANNEL)
            await on_new_message(message)
        await output.release_held()
        await asyncio.to_thread(self._store.set_options, state.conversation_id, output.options)

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
        await asyncio.to_thread(service.send_later, conversation_id, CHANNEL, "system", text)


class ConversationLocks:
    """One lock per conversation, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def busy(self, key: str) -> bool:
        return key in self._locks

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class InboundWorker:
    """Handles stored texts in the order received, one at a time per conversation, and picks up leftovers."""

    def __init__(self, store: SmsStore, processor: SmsProcessor):
        self._store = store
        self._processor = processor
        self._locks = ConversationLocks()
        self._tasks: set[asyncio.Task] = set()
        self._on_new_message: Optional[Callable[[UserMessage], Awaitable[Any]]] = None

    def attach(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        self._on_new_message = on_new_message

    def spawn(self, conversation_id: str) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(self._drain_in_background(conversation_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _drain_in_background(self, conversation_id: str) -> None:
        try:
            await self.drain(conversation_id)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the texts stay stored; the next sweep tries again
            logger.error("SMS handling for conversation %s stopped: %s", conversation_id, type(error).__name__)

    async def drain(self, conversation_id: str) -> None:
        if self._on_new_message is None:
            raise RuntimeError("the inbound worker has no Rasa handler attached")
        async with self._locks.hold(conversation_id):
            while True:
                inbound = await asyncio.to_thread(self._store.next_inbound, conversation_id)
                if inbound is None:
                    return
                if not await self._handle(inbound, self._on_new_message):
                    return  # left for the next sweep

    async def _handle(self, inbound: Inbound, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> bool:
        """True when the text is done with; False when it stays stored to be tried again later."""
        if inbound.attempts > MAX_ATTEMPTS:
            logger.error(
                "SMS %s of conversation %s failed %s times: apologising instead",
                inbound.id, inbound.conversation_id, inbound.attempts - 1,
            )  # fmt: skip
            return await self._give_up(inbound)
        try:
            await self._processor.handle(inbound, on_new_message)
        except Exception as error:
            logger.error(
                "handling SMS %s of conversation %s failed: %s",
                inbound.id, inbound.conversation_id, type(error).__name__,
            )  # fmt: skip
            logger.debug("handling SMS %s failed", inbound.id, exc_info=True)  # the error may quote the text
            return await self._give_up(inbound)
        await asyncio.to_thread(self._store.mark_handled, inbound.id)
        return True

    async def _give_up(self, inbound: Inbound) -> bool:
        try:
            await self._processor.apologise(inbound.conversation_id)
            await asyncio.to_thread(self._store.mark_handled, inbound.id)
        except Exception as error:  # most likely the database: keep the text and try again later
            logger.error("SMS %s kept for a later attempt: %s", inbound.id, type(error).__name__)
            return False
        return True

    async def sweep(self) -> int:
        """Starts handling every conversation with stored texts nobody is working on (after a restart)."""
        started = 0
        for conversation_id in await asyncio.to_thread(self._store.conversations_with_unhandled):
            if not self._locks.busy(conversation_id):
                self.spawn(conversation_id)
                started += 1
        return started

    async def run_sweeps(self, interval: float = SWEEP_INTERVAL) -> None:
        while True:
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.warning("SMS sweep failed: %s", type(error).__name__)
            await asyncio.sleep(interval)

    async def stop(self, timeout: float = 10.0) -> None:
        """Lets texts being handled finish; anything cut short is still stored and handled after restart."""
        tasks = list(self._tasks)
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=timeout)
            for task in pending:
                task.cancel()


class SmsSender:
    """The OutboxPusher's send for SMS: honours STOP, keeps each conversation in order, splits long texts."""

    def __init__(
        self,
        store: SmsStore,
        service_provider: Callable[[], HandoffService],
        transmit: Transmit,
        wording_provider: Callable[[], Wording],
    ):
        self._store = store
        self._service_provider = service_provider
        self._transmit = transmit
        self._wording_provider = wording_provider
        self._parts_sent: dict[int, int] = {}  # outbox id -> parts already accepted by Twilio
        self._sent: OrderedDict[int, None] = OrderedDict()  # sent but maybe not yet marked delivered

    def format(self, message: Outgoing) -> str:
        if message.author == "nurse" and message.sender_name:
            wording = self._wording_provider()
            return wording.text("utter_message_from_nurse", nurse=message.sender_name, text=message.text)
        return message.text

    async def _waits_for_older(self, message: Outgoing, state: SmsState) -> bool:
        """Whether an older message of the same conversation must go first (held ones from before START don't)."""
        service = self._service_provider()
        pending = await asyncio.to_thread(service.pending_for, message.conversation_id)
        newer_segment = message.id > state.order_floor
        return any(
            other.id < message.id and other.id not in self._sent and (other.id > state.order_floor) == newer_segment
            for other in pending
            if other.channel == CHANNEL
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
        parts = split(self.format(message))
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


def _helpline_phone() -> str:
    """The helpline's number from config/helpline.yml, its one home; read when asked, so an edit needs no restart."""
    from bot.config import Settings
    from bot.hours import OpeningHours

    return OpeningHours.from_file(Settings.from_env().helpline_config).phone


def _default_service() -> HandoffService:
    from bot.handoff.factory import get_handoffs

    return get_handoffs().service


def _default_store(config: SmsConfig) -> SmsStore:
    from bot.config import Settings
    from bot.db import make_session_factory, shared_engine
    from bot.handoff.factory import get_handoffs

    sessions = make_session_factory(shared_engine(Settings.from_env().database_url))
    return SmsStore(sessions, SmsKeys(config.conversation_key), get_handoffs().clock)


class TwilioSmsInput(InputChannel):
    """Twilio SMS at /webhooks/twilio/webhook; named "twilio" so `channel: twilio` responses are used."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> TwilioSmsInput:
        return cls(SmsConfig.from_credentials(credentials, os.environ))

    def __init__(
        self,
        config: SmsConfig,
        *,
        store: Optional[SmsStore] = None,
        service_provider: Optional[Callable[[], HandoffService]] = None,
        wording: Optional[Wording] = None,
        transmit: Optional[Transmit] = None,
        push_interval: float = 0.25,
    ):
        SmsKeys(config.conversation_key)  # a short key fails here, at start-up, not on the first text
        self.config = config
        self._validator = RequestValidator(config.auth_token)
        self._store = store
        self._service_provider = service_provider or _default_service
        self._wording = wording
        self._transmit = transmit or TwilioTransmitter(config)
        self._push_interval = push_interval
        self._worker: Optional[InboundWorker] = None
        self._pusher: Optional[OutboxPusher] = None
        self._background: list[asyncio.Task] = []

    def wording(self) -> Wording:
        if self._wording is None:
            self._wording = Wording.from_domain()
        return self._wording

    @property
    def store(self) -> SmsStore:
        if self._store is None:
            self._store = _default_store(self.config)
        return self._store

    @property
    def worker(self) -> InboundWorker:
        if self._worker is None:
            gate = SmsGate(self._service_provider, self._wording)
            processor = SmsProcessor(self.store, self._service_provider, self.wording, gate)
            self._worker = InboundWorker(self.store, processor)
        return self._worker

    def sender(self) -> SmsSender:
        return SmsSender(self.store, self._service_provider, self._transmit, self.wording)

    def signed(self, form: WebhookForm, signature: Optional[str]) -> bool:
        if not signature:
            return False
        return self._validator.validate(self.config.public_url, form, signature)

    async def receive(self, request: Request) -> HTTPResponse:
        signature = request.headers.get("X-Twilio-Signature")
        try:
            form = WebhookForm.parse(request)
            signed = self.signed(form, signature)
        except Exception as error:  # an unparseable body cannot carry a valid signature
            logger.warning("SMS webhook request rejected: %s", type(error).__name__)
            return response.text("Forbidden", status=403)
        if not signed:
            logger.warning("SMS webhook request rejected: %s X-Twilio-Signature", "invalid" if signature else "missing")
            return response.text("Forbidden", status=403)
        phone = form.first("From").strip()
        if not phone:
            logger.warning("signed SMS webhook request without a sender: ignored")
            return response.text(EMPTY_TWIML, content_type="text/xml")
        sid = form.first("MessageSid") or form.first("SmsSid") or f"no-sid-{uuid.uuid4().hex}"
        try:
            inbound = await asyncio.to_thread(self.store.receive, phone, sid, form.first("Body"))
        except Exception as error:  # not stored, so say so: Twilio records the failure (and retries if told to)
            logger.error("could not store a received SMS: %s", type(error).__name__)
            return response.text("Service Unavailable", status=503)
        if inbound is None:
            logger.info("SMS webhook for a message already received: ignored")
        else:
            logger.info("SMS %s received for conversation %s", inbound.id, inbound.conversation_id)
            self.worker.spawn(inbound.conversation_id)
        return response.text(EMPTY_TWIML, content_type="text/xml")

    async def start(self) -> None:
        """Starts the outbox pusher and picks up texts stored before a restart."""
        missing = []
        for name in REQUIRED_RESPONSES:
            try:
                self.wording().text(name, nurse="", text="")
            except KeyError:
                missing.append(name)
        if missing:
            logger.error("domain.yml lacks responses the SMS channel needs: %s", ", ".join(missing))
        self._pusher = OutboxPusher(self._service_provider, CHANNEL, self.sender(), interval=self._push_interval)
        self._pusher.start()
        self._background.append(asyncio.get_running_loop().create_task(self.worker.run_sweeps()))

    async def stop(self) -> None:
        for task in self._background:
            task.cancel()
        self._background.clear()
        await self.worker.stop()
        if self._pusher is not None:
            await self._pusher.stop()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        self.worker.attach(on_new_message)
        webhook = Blueprint("twilio_sms_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.receive(request)

        @webhook.listener("after_server_start")
        async def start(app: Any, loop: Any) -> None:
            await self.start()

        @webhook.listener("before_server_stop")
        async def stop(app: Any, loop: Any) -> None:
            await self.stop()

        return webhook
