"""The SMS channel's pieces wired together over a real database, with Rasa and Twilio stood in for."""

from __future__ import annotations

import asyncio

from bot.channels.sms.processor import SmsGate, SmsProcessor
from bot.channels.sms.sender import SmsSender
from bot.channels.sms.state import SmsKeys, SmsStore
from bot.channels.sms.worker import InboundWorker
from bot.feedback.store import FeedbackStore
from bot.outbox.pusher import OutboxPusher
from bot.wording import Wording

KEY = "k" * 40
PHONE = "+447700900123"
HELPLINE_PHONE = "0808 000 0000"  # the helpline's number, from the hours file in production
DIGITS = "7700900123"
WORDING = Wording(
    {
        "utter_sms_help": "Nurse helpline. Text a question or call {phone}. Reply STOP to stop. Emergency: 999.",
        "utter_sms_stopped": "You will not get any more messages from us. Reply START to start again.",
        "utter_sms_started": "Welcome back.",
        "utter_sms_error": "Sorry, something went wrong. Please try again.",
        "utter_message_from_nurse": "{nurse} (nurse): {text}",
        "utter_how_can_i_help": "What would you like to know?",
        "utter_handoff_cancelled": "You've left the queue and you're back with the assistant.",
        "utter_default": "Sorry, I didn't follow that.",
        "utter_crisis": "Call 999 or Samaritans on 116 123.",
        "utter_urgent_symptom": "Call 999 or NHS 111 now.",
        "utter_safety_flag_for_nurse": "Safety check: {reason}.",
        "utter_message_too_long": "Too long; send it in parts.",
        "utter_sms_nothing_more": "There's nothing more to send on that.",
        "utter_sms_feedback_ask": "Did this help? Reply HELPED or NOT HELPED.",
        "utter_sms_feedback_thanks": "Thank you for telling us.",
        # The handoff service writes the domain's notice; the sender knows the close notice by its text.
        "utter_handoff_closed": Wording.from_domain().text("utter_handoff_closed", "twilio"),
        "utter_sms_csat_ask": "How was your chat? Reply 1 to 5.",
    }
)
GREET_BUTTONS = [
    {"title": "What is recurrence?", "payload": "/ask_what_is_recurrence"},
    {"title": "Signs to look out for", "payload": "/ask_symptoms"},
    {"title": "Talk to a nurse", "payload": "/request_nurse"},
]
FULL_ANSWER = " ".join(f"Full answer sentence {i}, with detail \u2014 \u201cquoted\u201d." for i in range(30))


class FakeRasa:
    """Stands in for Rasa: records what it was given and answers through the message's output channel."""

    def __init__(self):
        self.seen: list[str] = []
        self.reply: dict = {"text": "A bot answer."}

    async def __call__(self, message):
        self.seen.append(message.text)
        await message.output_channel.send_response(message.sender_id, dict(self.reply))


class Transmit:
    """Stands in for Twilio's REST API: records (to, body); can fail the next calls."""

    def __init__(self):
        self.sent: list[tuple[str, str]] = []
        self.failures: list[Exception] = []

    def __call__(self, to: str, body: str) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((to, body))

    @property
    def bodies(self) -> list[str]:
        return [body for _, body in self.sent]


class Harness:
    def __init__(self, session_factory, service, clock):
        self.keys = SmsKeys(KEY)
        self.store = SmsStore(session_factory, self.keys, clock)
        self.service = service
        self.clock = clock
        self.rasa = FakeRasa()
        self.transmit = Transmit()
        gate = SmsGate(lambda: service, WORDING)
        self.feedback = FeedbackStore(session_factory, clock)
        self.processor = SmsProcessor(
            self.store,
            lambda: service,
            lambda: WORDING,
            gate,
            phone_provider=lambda: HELPLINE_PHONE,
            feedback_provider=lambda: self.feedback,
        )
        self.worker = InboundWorker(self.store, self.processor)
        self.worker.attach(self.rasa)
        self.sender = SmsSender(self.store, lambda: service, self.transmit, lambda: WORDING, lambda: self.feedback)
        self.pusher = OutboxPusher(lambda: service, "twilio", self.sender)
        self._sids = 0

    @property
    def cid(self) -> str:
        return self.keys.conversation_id(PHONE)

    def text(self, body: str, phone: str = PHONE) -> None:
        """A text arrives and is handled, as the webhook and the worker do it."""
        self._sids += 1
        inbound = self.store.receive(phone, f"SM{self._sids:032d}", body)
        assert inbound is not None
        asyncio.run(self.worker.drain(inbound.conversation_id))

    def queued(self) -> list[str]:
        return [m.text for m in self.service.pending_for(self.cid)]

    def push(self) -> list[str]:
        """Runs the pusher until nothing more goes out now; returns the bodies sent."""
        before = len(self.transmit.sent)
        while asyncio.run(self.pusher.push_once()):
            pass
        return self.transmit.bodies[before:]

    def state(self):
        return self.store.state(self.cid)
