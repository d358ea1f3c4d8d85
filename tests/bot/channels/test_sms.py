"""The SMS channel's pieces: keyed ids, encryption at rest, keywords, options, MORE, the gate and the sender."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
from types import SimpleNamespace
from typing import Optional
from urllib.parse import urlencode

import pytest
from cryptography.fernet import InvalidToken
from sqlalchemy import text
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from bot.channels.delivery import OutboxPusher
from bot.channels.sms import (
    EMPTY_TWIML,
    HELD,
    MAX_ATTEMPTS,
    InboundWorker,
    SmsConfig,
    SmsGate,
    SmsProcessor,
    SmsSender,
    TwilioSmsInput,
    keyword,
    option_payload,
    options_prompt,
)
from bot.channels.sms_state import SmsKeys, SmsStore
from bot.channels.sms_text import normalise, segment_count
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
        self.processor = SmsProcessor(
            self.store, lambda: service, lambda: WORDING, gate, phone_provider=lambda: HELPLINE_PHONE
        )
        self.worker = InboundWorker(self.store, self.processor)
        self.worker.attach(self.rasa)
        self.sender = SmsSender(self.store, lambda: service, self.transmit, lambda: WORDING)
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


@pytest.fixture
def sms(session_factory, service, clock):
    return Harness(session_factory, service, clock)


# ----- keyed ids and encryption at rest -----


def test_conversation_id_is_a_keyed_hash_of_the_number():
    keys = SmsKeys(KEY)
    cid = keys.conversation_id(PHONE)
    assert cid.startswith("sms-") and len(cid) == 4 + 64
    assert DIGITS not in cid
    assert keys.conversation_id(f" {PHONE} ") == cid  # stable
    assert SmsKeys(KEY).conversation_id(PHONE) == cid  # across processes
    assert SmsKeys("z" * 40).conversation_id(PHONE) != cid  # and useless without the key
    assert keys.conversation_id("+447700900124") != cid


def test_a_short_key_is_refused():
    with pytest.raises(ValueError, match="at least 32"):
        SmsKeys("too short")


def test_numbers_and_texts_are_encrypted_at_rest(sms, tmp_path):
    inbound = sms.store.receive(PHONE, "SM1", "my number is private")
    assert inbound is not None and inbound.conversation_id == sms.cid
    with sqlite3.connect(tmp_path / "helpline.db") as db:
        dump = "\n".join(db.iterdump())
    assert DIGITS not in dump and "private" not in dump
    assert sms.cid in dump
    assert sms.state().phone == PHONE
    other = SmsStore(sms.store._sessions, SmsKeys("z" * 40), sms.clock)
    with pytest.raises(InvalidToken):
        other.state(sms.cid)  # another key cannot read the number


def test_a_handled_text_is_erased_and_a_repeated_webhook_ignored(sms, tmp_path):
    sms.store.receive(PHONE, "SM1", "first text")
    assert sms.store.receive(PHONE, "SM1", "first text") is None  # Twilio retry or replay
    inbound = sms.store.next_inbound(sms.cid)
    assert inbound.text == "first text" and inbound.attempts == 1
    sms.store.mark_handled(inbound.id)
    with sqlite3.connect(tmp_path / "helpline.db") as db:
        assert db.execute("SELECT body_encrypted FROM sms_inbound").fetchall() == [(None,)]
    assert sms.store.next_inbound(sms.cid) is None


def test_handled_texts_are_pruned_after_a_week(sms):
    sms.store.receive(PHONE, "SM1", "old")
    sms.store.mark_handled(sms.store.next_inbound(sms.cid).id)
    sms.clock.advance(days=8)
    sms.store.receive(PHONE, "SM2", "new")
    assert sms.store.receive(PHONE, "SM1", "old again") is not None  # forgotten, so no longer a duplicate


# ----- keywords and config -----


@pytest.mark.parametrize("text, word", [("STOP", "stop"), (" Stop. ", "stop"), ("stop all", "stop all"), ("", "")])
def test_keyword(text, word):
    assert keyword(text) == word


def test_options_prompt_and_payloads():
    titles = [b["title"] for b in GREET_BUTTONS]
    assert (
        options_prompt(titles) == "Reply 1 for What is recurrence, 2 for Signs to look out for, 3 for Talk to a nurse."
    )
    payloads = [b["payload"] for b in GREET_BUTTONS]
    assert option_payload("2", payloads) == "/ask_symptoms"
    assert option_payload(" 3. ", payloads) == "/request_nurse"
    assert option_payload("4", payloads) is None
    assert option_payload("0", payloads) is None
    assert option_payload("2 please", payloads) is None
    assert option_payload("1", []) is None


def test_config_reads_credentials_then_environment():
    env = {
        "TWILIO_ACCOUNT_SID": "AC-env",
        "TWILIO_AUTH_TOKEN": "token-env",
        "TWILIO_NUMBER": "+441000000000",
        "TWILIO_PUBLIC_URL": "https://example.org/webhooks/twilio/webhook",
        "HELPLINE_SMS_KEY": KEY,
    }
    config = SmsConfig.from_credentials({"account_sid": "AC-file"}, env)
    assert config.account_sid == "AC-file" and config.auth_token == "token-env" and config.api_base_url is None
    assert SmsConfig.from_credentials(None, {**env, "TWILIO_API_BASE_URL": "http://127.0.0.1:1"}).api_base_url


def test_config_names_what_is_missing_without_values():
    with pytest.raises(ValueError) as error:
        SmsConfig.from_credentials({"auth_token": "secret-token"}, {})
    message = str(error.value)
    assert "account_sid (TWILIO_ACCOUNT_SID)" in message and "HELPLINE_SMS_KEY" in message
    assert "secret-token" not in message and "api_base_url" not in message


# ----- the bot path: answers, options, MORE, bad input -----


def test_a_question_goes_to_rasa_and_the_reply_to_the_outbox(sms):
    sms.text("what is recurrence")
    assert sms.rasa.seen == ["what is recurrence"]
    assert sms.queued() == ["A bot answer."]
    assert sms.push() == ["A bot answer."]
    assert sms.transmit.sent[0][0] == PHONE
    assert sms.queued() == []


def test_buttons_become_numbered_options_and_a_number_sends_the_payload(sms):
    sms.rasa.reply = {"text": "Did you mean one of these?", "buttons": GREET_BUTTONS}
    sms.text("hmm recurrence")
    [text] = sms.queued()
    assert text == (
        "Did you mean one of these? Reply 1 for What is recurrence, 2 for Signs to look out for, 3 for Talk to a nurse."
    )
    sms.rasa.reply = {"text": "Signs answer."}
    sms.text("2")
    assert sms.rasa.seen[-1] == "/ask_symptoms"
    sms.text("1")  # the last reply had no buttons: "1" is just text now
    assert sms.rasa.seen[-1] == "1"


def test_more_sends_the_stored_full_answer_in_parts(sms):
    sms.rasa.reply = {"text": "Short answer. Reply MORE for more.", "custom": {"sms_more": FULL_ANSWER}}
    sms.text("what are the signs")
    assert sms.queued() == ["Short answer. Reply MORE for more."]  # the custom JSON is stored, not sent
    assert sms.state().more == FULL_ANSWER
    sms.push()
    sms.text("MORE")
    assert sms.rasa.seen == ["what are the signs"]  # MORE never reached Rasa
    parts = sms.push()
    assert len(parts) >= 3
    assert all(segment_count(p) <= 3 for p in parts)
    assert [p.split(" ", 1)[0] for p in parts] == [f"{i}/{len(parts)}" for i in range(1, len(parts) + 1)]
    assert " ".join(p.split(" ", 1)[1] for p in parts) == normalise(FULL_ANSWER)
    assert all(p.endswith(".") for p in parts)  # each part ends at a sentence
    sms.text("MORE")  # the whole answer has gone: MORE says so, and never resends it
    assert sms.push() == ["There's nothing more to send on that."]
    assert sms.rasa.seen == ["what are the signs"]


def test_more_with_nothing_stored_says_so(sms):
    sms.text("more")
    assert sms.rasa.seen == []
    assert sms.queued() == ["There's nothing more to send on that."]


def test_nurse_keyword_asks_for_a_nurse(sms):
    sms.text("Nurse")
    assert sms.rasa.seen == ["/request_nurse"]


def test_other_custom_json_is_not_texted(sms):
    sms.rasa.reply = {"custom": {"blocks": [1, 2]}}
    sms.text("hello")
    assert sms.queued() == []


def test_a_long_bot_reply_is_queued_as_sms_of_three_segments_at_most(sms):
    sms.rasa.reply = {"text": FULL_ANSWER}
    sms.text("tell me everything")
    assert len(sms.queued()) > 1 and all(segment_count(t) <= 3 for t in sms.queued())


def test_an_empty_text_gets_a_prompt_not_rasa(sms):
    sms.text("   ")
    assert sms.rasa.seen == [] and sms.queued() == ["What would you like to know?"]


@pytest.mark.parametrize("body", ["x" * 2000, "\u0645\u0631\u062d\u0628\u0627 \U0001f60a", "\u4f60\u597d"])
def test_long_and_non_latin_texts_reach_rasa_unchanged(sms, body):
    sms.text(body)
    assert sms.rasa.seen == [body]
    assert sms.push() == ["A bot answer."]


def test_a_text_over_the_length_bound_is_answered_and_goes_no_further(sms, nurses):
    from bot.limits import MAX_MESSAGE_CHARS

    sms.service.request(sms.cid, "twilio", "asked")  # a nurse chat would be reached through the gate
    sms.text("stop " + "x" * MAX_MESSAGE_CHARS)
    assert sms.rasa.seen == [] and not sms.state().opted_out
    _, transcript = sms.service.detail(sms.service.open_handoff(sms.cid).id)
    assert [m.text for m in transcript if m.author == "person"] == []
    assert sms.queued()[-1] == "Too long; send it in parts."


# ----- carrier keywords -----


def test_stop_confirms_once_then_nothing_is_sent_until_start(sms):
    sms.text("STOP")
    assert sms.rasa.seen == [] and sms.state().opted_out
    assert sms.push() == [WORDING.text("utter_sms_stopped")]  # the one message after STOP
    sms.text("what is recurrence")
    sms.text("HELP")
    sms.text("stop")  # again: no second confirmation
    assert sms.rasa.seen == [] and sms.queued() == [] and sms.push() == []
    sms.text("START")
    assert not sms.state().opted_out
    assert sms.push() == ["Welcome back."]
    sms.text("what is recurrence")
    assert sms.rasa.seen == ["what is recurrence"] and sms.push() == ["A bot answer."]


@pytest.mark.parametrize("word", ["STOPALL", "Unsubscribe", "end", "QUIT", "optout", "revoke", "cancel", "Stop!"])
def test_twilio_opt_out_words(sms, word):
    sms.text(word)
    assert sms.state().opted_out and sms.rasa.seen == []


@pytest.mark.parametrize("word", ["START", "unstop", "Yes"])
def test_twilio_opt_in_words(sms, word):
    sms.text("STOP")
    sms.text(word)
    assert not sms.state().opted_out and sms.rasa.seen == []


def test_yes_answers_the_bot_when_not_opted_out(sms):
    sms.text("yes")
    assert sms.rasa.seen == ["yes"]


def test_stop_inside_a_sentence_is_not_a_keyword(sms):
    sms.text("how do I stop worrying")
    assert not sms.state().opted_out and sms.rasa.seen == ["how do I stop worrying"]


def test_help_gets_the_help_text(sms):
    sms.text("help")
    assert sms.rasa.seen == [] and sms.push() == [WORDING.text("utter_sms_help", phone=HELPLINE_PHONE)]


def test_cancel_leaves_the_nurse_queue_when_a_handoff_is_open(sms):
    sms.text("hello")
    sms.service.request(sms.cid, "twilio", "asked")
    sms.push()
    sms.text("Cancel")
    assert not sms.state().opted_out
    assert sms.service.open_handoff(sms.cid) is None
    assert sms.push() == [WORDING.text("utter_handoff_cancelled")]
    sms.text("cancel")  # no handoff now: Twilio's opt-out word
    assert sms.state().opted_out


def test_nurse_replies_are_held_after_stop_and_sent_after_start(sms, nurses):
    sms.text("hello")
    handoff = sms.service.request(sms.cid, "twilio", "asked").handoff
    sms.push()
    sms.text("STOP")
    assert sms.push() == [WORDING.text("utter_sms_stopped")]
    sms.service.claim(handoff.id, nurses[0].id)
    sms.service.reply(handoff.id, nurses[0].id, "Are you still there?")
    assert sms.push() == []
    held = [m for m in sms.service.pending_for(sms.cid)]
    assert len(held) == 2  # "joined" and the reply: kept, not dropped
    _, transcript = sms.service.detail(handoff.id)
    assert "STOP" in [m.text for m in transcript if m.author == "person"]  # the nurse can see why
    sms.clock.advance(minutes=10)
    assert sms.push() == []  # still held while opted out
    sms.text("START")
    assert sms.push() == ["Welcome back."]  # the confirmation first, not behind the held messages
    sms.text("a new question")
    assert sms.push() == []  # still with the nurse: nothing from the bot
    sms.clock.advance(minutes=5)
    assert sms.push() == [
        "Nurse 1, one of our specialist nurses, has joined. Your texts now go to them.",  # SMS wording
        "Nurse 1 (nurse): Are you still there?",
    ]


def test_twilio_opt_out_error_holds_the_conversation(sms):
    sms.text("hello")
    sms.transmit.failures = [TwilioRestException(400, "uri", "blocked", code=21610)]
    assert sms.push() == []
    assert sms.state().opted_out
    sms.clock.advance(seconds=3)
    assert sms.push() == [] and sms.transmit.failures == []
    [message] = sms.service.pending_for(sms.cid)
    assert message.text == "A bot answer."


@pytest.mark.parametrize("code", [21211, 21614])
def test_a_number_twilio_can_never_text_fails_once_and_is_not_retried(sms, code):
    sms.text("hello")
    sms.transmit.failures = [TwilioRestException(400, "uri", "invalid number", code=code)]
    assert sms.push() == []
    assert sms.service.pending_for(sms.cid) == []  # given up, not queued for another try
    sms.clock.advance(minutes=10)
    assert sms.push() == [] and sms.transmit.failures == []


# ----- the nurse through the gate -----


def test_during_a_handoff_texts_go_to_the_nurse_and_replies_come_back_by_sms(sms, nurses):
    sms.text("I want to talk to a nurse")
    handoff = sms.service.request(sms.cid, "twilio", "asked").handoff
    sms.push()
    sms.text("are you there?")
    assert sms.rasa.seen == ["I want to talk to a nurse"]
    [ack] = sms.push()  # the first text while queued is answered: never silence
    assert "number 1 in the queue" in ack and "Reply CANCEL to leave the queue" in ack
    sms.service.claim(handoff.id, nurses[0].id)
    sms.service.reply(handoff.id, nurses[0].id, "Yes \u2014 I\u2019m here.")
    assert sms.push() == [
        "Nurse 1, one of our specialist nurses, has joined. Your texts now go to them.",
        "Nurse 1 (nurse): Yes - I'm here.",
    ]
    _, transcript = sms.service.detail(handoff.id)
    assert [m.text for m in transcript if m.author == "person"][-1] == "are you there?"


def test_a_long_nurse_reply_is_split_and_resumes_after_a_failed_part(sms, nurses):
    sms.text("hello")
    handoff = sms.service.request(sms.cid, "twilio", "asked").handoff
    sms.service.claim(handoff.id, nurses[0].id)
    sms.push()
    advice = " ".join(f"Advice sentence {i}." for i in range(80))
    sms.service.reply(handoff.id, nurses[0].id, advice)
    original = sms.transmit.__call__
    calls = {"n": 0}

    def flaky(to, body):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("network down")
        original(to, body)

    sms.sender._transmit = flaky
    first = sms.push()
    assert len(first) == 1  # part 1 went, part 2 failed
    sms.clock.advance(seconds=2)
    rest = sms.push()
    parts = first + rest
    assert len(parts) >= 3 and all(segment_count(p) <= 3 for p in parts)
    assert " ".join(parts) == f"Nurse 1 (nurse): {advice}"  # every part once, in order


# ----- the sender: order, failures, privacy -----


def test_a_failed_send_is_kept_and_later_messages_wait_their_turn(sms):
    sms.rasa.reply = {"text": "First."}
    sms.text("one")
    sms.rasa.reply = {"text": "Second."}
    sms.text("two")
    sms.transmit.failures = [ConnectionError(f"cannot reach {PHONE}")]
    assert sms.push() == []  # "First." failed, so "Second." waits
    [first, _] = sms.service.pending_for(sms.cid)
    sms.clock.advance(seconds=2)
    assert sms.push() == ["First.", "Second."]


def test_send_errors_never_carry_the_number(sms, session_factory):
    sms.text("hello")
    sms.transmit.failures = [TwilioRestException(400, "uri", f"The 'To' number {PHONE} is not valid", code=21211)]
    asyncio.run(sms.pusher.push_once())
    from bot.handoff.models import OutboxMessage

    with session_factory() as session:
        [row] = session.query(OutboxMessage).all()
    assert row.last_error and "21211" in row.last_error and DIGITS not in row.last_error


def test_a_message_no_sms_can_deliver_fails_once_loudly_and_is_not_retried(sms, session_factory, caplog):
    """Issue 13, L8: a REST conversation labelled "twilio" made outbox rows that were retried for ever."""
    sms.service.send_later("sms-unknown", "twilio", "bot", "hello")
    assert sms.push() == []
    assert sms.service.pending_on("twilio") == []  # settled, not waiting for another try
    with session_factory() as session:
        (error,) = session.execute(text("SELECT last_error FROM outbox")).one()
    assert "no phone number" in error
    assert [r.levelname for r in caplog.records if "cannot be sent by SMS" in r.getMessage()] == ["ERROR"]


def test_held_messages_do_not_block_the_pusher(sms):
    sms.text("STOP")
    sms.push()
    for i in range(5):
        sms.service.send_later(sms.cid, "twilio", "bot", f"held {i}")
    assert sms.push() == []
    assert sms.service.pending_on("twilio") == []  # backed off: not in every pass's batch
    assert all(m.text.startswith("held") for m in sms.service.pending_for(sms.cid))
    with sms.store._sessions() as session:
        from bot.handoff.models import OutboxMessage

        errors = {m.last_error for m in session.query(OutboxMessage).filter(OutboxMessage.delivered_at.is_(None))}
    assert errors == {HELD}


# ----- durability and failures while handling -----


def test_a_stored_text_is_handled_after_a_restart(sms):
    sms.store.receive(PHONE, "SM-before-crash", "what is recurrence")
    assert sms.store.conversations_with_unhandled() == [sms.cid]

    async def restart():
        worker = InboundWorker(sms.store, sms.processor)
        worker.attach(sms.rasa)
        assert await worker.sweep() == 1
        await worker.stop()

    asyncio.run(restart())
    assert sms.rasa.seen == ["what is recurrence"]
    assert sms.store.conversations_with_unhandled() == []


def test_a_failure_while_handling_gets_an_apology(sms):
    async def broken(message):
        raise RuntimeError("rasa fell over")

    sms.worker.attach(broken)
    sms.text("what is recurrence")
    assert sms.queued() == ["Sorry, something went wrong. Please try again."]
    assert sms.store.conversations_with_unhandled() == []


def test_a_text_that_keeps_crashing_is_given_up_with_an_apology(sms):
    sms.store.receive(PHONE, "SM-poison", "poison")
    for _ in range(MAX_ATTEMPTS):
        sms.store.next_inbound(sms.cid)  # each attempt died with the process
    asyncio.run(sms.worker.drain(sms.cid))
    assert sms.rasa.seen == []
    assert sms.queued() == ["Sorry, something went wrong. Please try again."]


def test_texts_of_one_number_are_handled_in_order(sms):
    for i in range(5):
        sms.store.receive(PHONE, f"SM{i}", f"message {i}")

    async def all_at_once():
        await asyncio.gather(*(sms.worker.drain(sms.cid) for _ in range(3)))

    asyncio.run(all_at_once())
    assert sms.rasa.seen == [f"message {i}" for i in range(5)]


# ----- the webhook -----

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


def test_options_are_stored_as_json(sms):
    sms.rasa.reply = {"text": "Pick one", "buttons": GREET_BUTTONS}
    sms.text("hmm")
    with sms.store._sessions() as session:
        from bot.channels.sms_models import SmsConversation

        row = session.get(SmsConversation, sms.cid)
        assert json.loads(row.options) == [b["payload"] for b in GREET_BUTTONS]
        assert row.updated_at is not None and isinstance(row.created_at, dt.datetime)


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


def test_outbox_messages_are_pushed_once_not_copied_by_the_gate(sms, nurses):
    sms.text("hello")
    handoff = sms.service.request(sms.cid, "twilio", "asked").handoff
    sms.service.claim(handoff.id, nurses[0].id)
    sms.push()
    sms.service.reply(handoff.id, nurses[0].id, "First reply")
    sms.text("next message")  # before the pusher ran: the gate must not deliver (copy) the reply
    assert sms.push() == ["Nurse 1 (nurse): First reply"]
    assert sms.service.pending_for(sms.cid) == []
