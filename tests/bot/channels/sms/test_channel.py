"""Twilio's webhook: only signed requests, each text stored once, an empty TwiML answer or an honest 503."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Optional
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from bot.channels.sms.channel import EMPTY_TWIML, SmsConfig, TwilioSmsInput, missing_responses
from bot.wording import Wording
from tests.bot.channels.sms.harness import KEY, PHONE, WORDING

PUBLIC_URL = "https://helpline.example.org/webhooks/twilio/webhook"


def _channel(sms) -> TwilioSmsInput:
    config = SmsConfig("AC123", "auth-token", "+441000000000", PUBLIC_URL, KEY)
    channel = TwilioSmsInput(
        config, store=sms.store, service_provider=lambda: sms.service, wording=WORDING, transmit=sms.transmit
    )
    channel.worker.attach(sms.rasa)
    return channel


def _request(params: dict, signature, body: Optional[bytes] = None):
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    return SimpleNamespace(headers=headers, body=urlencode(params).encode() if body is None else body)


def _params(body: str) -> dict:
    return {"From": PHONE, "To": "+441000000000", "Body": body, "MessageSid": "SM" + "a" * 32, "NumMedia": "0"}


def _post(channel, request):
    async def go():
        result = await channel.receive(request)
        await channel.worker.stop()
        return result

    return asyncio.run(go())


def test_webhook_accepts_a_signed_request_and_answers_with_empty_twiml(sms):
    channel = _channel(sms)
    params = _params("what is recurrence")
    signature = RequestValidator("auth-token").compute_signature(PUBLIC_URL, params)
    result = _post(channel, _request(params, signature))
    assert result.status == 200 and result.body.decode() == EMPTY_TWIML
    assert result.content_type.startswith("text/xml")
    assert sms.rasa.seen == ["what is recurrence"]
    again = _post(channel, _request(params, signature))  # the same request replayed
    assert again.status == 200 and sms.rasa.seen == ["what is recurrence"]


@pytest.mark.parametrize("signature", [None, "", "bm90IGEgc2lnbmF0dXJl"])
def test_webhook_refuses_unsigned_requests_and_stores_nothing(sms, signature):
    result = _post(_channel(sms), _request(_params("hello"), signature))
    assert result.status == 403
    assert sms.store.state(sms.cid) is None and sms.rasa.seen == []


def test_webhook_refuses_an_altered_body(sms):
    params = _params("hello")
    signature = RequestValidator("auth-token").compute_signature(PUBLIC_URL, params)
    result = _post(_channel(sms), _request({**params, "Body": "STOP"}, signature))
    assert result.status == 403 and sms.store.state(sms.cid) is None


def test_webhook_accepts_a_signed_empty_body(sms):
    params = _params("")  # Twilio signs "Body" with its empty value, e.g. for a picture message
    signature = RequestValidator("auth-token").compute_signature(PUBLIC_URL, params)
    assert _post(_channel(sms), _request(params, signature)).status == 200
    assert sms.queued() == ["What would you like to know?"]


def test_webhook_refuses_a_body_that_is_not_a_form(sms):
    signature = RequestValidator("auth-token").compute_signature(PUBLIC_URL, {})
    assert _post(_channel(sms), _request({}, signature, body=b"\xff\xfe{not a form")).status == 403


def test_webhook_signature_is_checked_against_the_public_url(sms):
    params = _params("hello")
    signature = RequestValidator("auth-token").compute_signature(
        "http://127.0.0.1:5005/webhooks/twilio/webhook", params
    )
    assert _post(_channel(sms), _request(params, signature)).status == 403


def test_webhook_says_503_when_the_text_cannot_be_stored(sms):
    class BrokenStore:
        keys = sms.keys

        def receive(self, *args):
            raise OSError("database is down")

    channel = _channel(sms)
    channel._store = BrokenStore()
    params = _params("hello")
    signature = RequestValidator("auth-token").compute_signature(PUBLIC_URL, params)
    assert _post(channel, _request(params, signature)).status == 503


def test_the_domain_has_every_response_the_channel_sends_itself():
    """Checked at start: a response with a slot filled later (HELP's {phone}) is not reported missing."""
    assert missing_responses(Wording.from_domain()) == []
    assert missing_responses(Wording({"utter_sms_help": "Call {phone}."}))[:2] == [
        "utter_sms_stopped",
        "utter_sms_started",
    ]
