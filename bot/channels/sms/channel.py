"""The SMS line as Rasa's input channel: Twilio's signed webhook in, the outbox pusher and the inbound worker run."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels.common import Channel, default_handoff_service
from bot.channels.sms.config import SmsConfig
from bot.channels.sms.processor import SmsGate, SmsProcessor
from bot.channels.sms.sender import SmsSender, Transmit, TwilioTransmitter
from bot.channels.sms.state import SmsKeys, SmsStore
from bot.channels.sms.worker import InboundWorker
from bot.handoff.service import HandoffService
from bot.outbox.pusher import OutboxPusher
from bot.wording import Wording

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
REQUIRED_RESPONSES = (
    "utter_sms_help",
    "utter_sms_stopped",
    "utter_sms_started",
    "utter_message_from_nurse",
    "utter_handoff_closed",
    "utter_sms_csat_ask",
)


def missing_responses(wording: Wording) -> list[str]:
    """The responses the channel sends itself that the domain lacks (their slots, like {phone}, are filled later)."""
    return [name for name in REQUIRED_RESPONSES if not wording.has(name)]


class WebhookForm(Dict[str, List[str]]):
    """Twilio's POST parameters with blank values kept: an empty Body is signed too (Sanic's form drops it)."""

    @classmethod
    def parse(cls, request: Request) -> WebhookForm:
        return cls(parse_qs(request.body.decode("utf-8"), keep_blank_values=True))

    def getlist(self, name: str) -> List[str]:
        return self[name]

    def first(self, name: str) -> str:
        return (self.get(name) or [""])[0]


def _default_store(config: SmsConfig) -> SmsStore:
    from bot.bootstrap import root

    return SmsStore(root().sessions, SmsKeys(config.conversation_key), root().clock)


class TwilioSmsInput(InputChannel):
    """Twilio SMS at /webhooks/twilio/webhook; named "twilio" so `channel: twilio` responses are used."""

    @classmethod
    def name(cls) -> str:
        return Channel.SMS.value

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> TwilioSmsInput:
        return cls(SmsConfig.from_credentials(credentials))

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
        self._service_provider = service_provider or default_handoff_service
        self._wording = wording
        self._transmit = transmit or TwilioTransmitter(config)
        self._push_interval = push_interval
        self._worker: Optional[InboundWorker] = None
        self._pusher: Optional[OutboxPusher] = None
        self._background: list[asyncio.Task] = []

    def wording(self) -> Wording:
        if self._wording is None:
            from bot.bootstrap import root

            self._wording = root().wording
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
        missing = missing_responses(self.wording())
        if missing:
            logger.error("domain.yml lacks responses the SMS channel needs: %s", ", ".join(missing))
        self._pusher = OutboxPusher(self._service_provider, Channel.SMS, self.sender(), interval=self._push_interval)
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
