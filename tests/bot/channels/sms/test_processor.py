"""A received text through the processor: to Rasa with options and MORE, or through the gate to the nurse."""

from __future__ import annotations

import pytest

from bot.channels.sms.text import normalise, segment_count
from tests.bot.channels.sms.harness import FULL_ANSWER, GREET_BUTTONS, PHONE

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


def test_outbox_messages_are_pushed_once_not_copied_by_the_gate(sms, nurses):
    sms.text("hello")
    handoff = sms.service.request(sms.cid, "twilio", "asked").handoff
    sms.service.claim(handoff.id, nurses[0].id)
    sms.push()
    sms.service.reply(handoff.id, nurses[0].id, "First reply")
    sms.text("next message")  # before the pusher ran: the gate must not deliver (copy) the reply
    assert sms.push() == ["Nurse 1 (nurse): First reply"]
    assert sms.service.pending_for(sms.cid) == []
