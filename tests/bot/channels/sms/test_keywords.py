"""Keywords and option numbers, and the carrier keywords STOP, START and HELP as a person texts them."""

from __future__ import annotations

import pytest

from bot.channels.sms.keywords import chat_rating, keyword, option_payload, options_prompt
from tests.bot.channels.sms.harness import GREET_BUTTONS, HELPLINE_PHONE, WORDING


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


@pytest.mark.parametrize("text, rating", [("4", 4), (" 5. ", 5), ("1!", 1), ("3/5", 3), ("2 out of 5", 2)])
def test_a_chat_rating_is_a_number_from_1_to_5_on_its_own(text, rating):
    assert chat_rating(text) == rating


@pytest.mark.parametrize("text", ["0", "6", "45", "4 stars", "option 4", "4/10", "four", "", "I rang 111"])
def test_anything_else_is_not_a_chat_rating(text):
    assert chat_rating(text) is None


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
