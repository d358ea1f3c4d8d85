"""The outbox's SMS sends: STOP at Twilio, numbers it cannot text, parts, order, failures and privacy."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from twilio.base.exceptions import TwilioRestException

from bot.channels.sms.sender import HELD
from bot.channels.sms.text import segment_count
from tests.bot.channels.sms.harness import DIGITS, PHONE


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
