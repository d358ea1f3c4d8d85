"""The person's journey by SMS: signed webhooks into the real servers, texts out through the Twilio stand-in.

- a message left out of hours is confirmed by text ("we'll text you"), and the nurse's reply goes out
  as a text to the stored number;
- five texts in a row while queued (on the urgent path) are never met with silence;
- NURSE asks for a nurse; MORE sends numbered parts, then says there is no more;
- when the nurse closes the chat, a rating of 1 to 5 is asked once; "4" is stored against the chat, and the
  next question is answered as usual;
- no text says "in this chat" (every response: tests/bot/test_wording.py).
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from bot.channels.sms.text import normalise
from bot.wording import Wording
from tests.integration.journey_fixtures import WEDNESDAY_7PM
from tests.support.waiting import wait_until

RED_FLAG = "im on chemo and my temperature is 38.6 and im shivering"


def unhandled(sms_stack, conversation: str) -> int:
    with sqlite3.connect(sms_stack.data_dir / "helpline.db") as db:
        return db.execute(
            "SELECT COUNT(*) FROM sms_inbound WHERE conversation_id = ? AND processed_at IS NULL", (conversation,)
        ).fetchone()[0]


def test_a_message_left_by_text_is_confirmed_and_the_nurses_reply_is_texted(sms_stack, twilio_api, sms_nurse):
    handoffs, nurse = sms_nurse
    sms_stack.set_clock(WEDNESDAY_7PM)
    try:
        phone = sms_stack.new_phone()
        sms_stack.text(phone, "can i speak to a nurse")
        bodies = twilio_api.wait_until(phone, lambda b: any("Reply YES or NO" in x for x in b))
        sms_stack.text(phone, "yes")
        bodies = twilio_api.wait_until(phone, lambda b: any("text your message" in x for x in b))
        assert "A nurse will text you back" in bodies[-1]
        sms_stack.text(phone, "Could a nurse ring me about my scan results please")
        bodies = twilio_api.wait_until(phone, lambda b: any("we'll text you" in x for x in b))
        saved = " ".join(bodies[-2:])
        assert 'Your message for the nurses is saved: "Could a nurse ring me about my scan results please"' in saved
        assert "A nurse will reply after 9am tomorrow; we'll text you." in saved
        assert all("this chat" not in body for body in bodies)

        conversation = sms_stack.conversation_id(phone)
        [left] = [m for m in handoffs.left_messages() if m.conversation_id == conversation]
        handoffs.claim(left.id, nurse.id)
        handoffs.reply(left.id, nurse.id, "Hello, it's Amy. I'll ring you at 10am.")
        count = len(bodies)
        [reply] = twilio_api.wait_for(phone, count + 1)[count:]
        assert reply == "Nurse Amy (nurse): Hello, it's Amy. I'll ring you at 10am."  # to the stored number
    finally:
        sms_stack.set_clock(dt.datetime(2026, 11, 23, 10, 0, tzinfo=WEDNESDAY_7PM.tzinfo))


def test_five_texts_in_a_row_while_queued_are_not_met_with_silence(sms_stack, twilio_api):
    phone = sms_stack.new_phone()
    conversation = sms_stack.conversation_id(phone)
    sms_stack.text(phone, RED_FLAG)  # the urgent path: advice, and a priority place in the queue
    bodies = twilio_api.wait_until(phone, lambda b: any("as a priority" in x for x in b))
    assert all("this chat" not in body for body in bodies)
    for text in ("hello", "is anyone there", "please", "im scared", "hello?"):
        sms_stack.text(phone, text)
    wait_until(lambda: unhandled(sms_stack, conversation) == 0, "the five texts to be handled")
    with sqlite3.connect(sms_stack.data_dir / "helpline.db") as db:  # every reply to them is in the outbox by now
        queued = [row[0] for row in db.execute("SELECT text FROM outbox WHERE conversation_id = ?", (conversation,))]
    assert len([t for t in queued if "the nurse will see your texts" in t]) == 1  # the first, not every line
    acks = twilio_api.wait_until(phone, lambda b: any("the nurse will see your texts" in x for x in b))
    [ack] = [b for b in acks if "the nurse will see your texts" in b]
    assert "Reply CANCEL to leave the queue" in ack and "in the queue" in ack
    sms_stack.text(phone, "CANCEL")
    twilio_api.wait_until(phone, lambda b: "left the queue" in b[-1])


def test_nurse_asks_for_a_nurse_and_more_says_when_there_is_no_more(sms_stack, twilio_api):
    phone = sms_stack.new_phone()
    sms_stack.text(phone, "NURSE")
    bodies = twilio_api.wait_until(phone, lambda b: any("in the queue" in x for x in b))
    queued = [b for b in bodies if "in the queue" in b][0]
    assert "Reply CANCEL to leave the queue" in queued and "this chat" not in queued
    sms_stack.text(phone, "CANCEL")
    bodies = twilio_api.wait_until(phone, lambda b: "left the queue" in b[-1])

    sms_stack.text(phone, "what are the signs of a local recurrence")
    bodies = twilio_api.wait_until(phone, lambda b: "Reply MORE for more." in b[-1])
    count = len(bodies)
    sms_stack.text(phone, "MORE")

    def all_parts(sent: list[str]) -> bool:  # "2/2 …": the last numbered part has arrived
        return len(sent) > count and sent[-1].startswith(f"{len(sent) - count}/{len(sent) - count} ")

    parts = twilio_api.wait_until(phone, all_parts)
    more = parts[count:]
    assert [p.split(" ", 1)[0] for p in more] == [f"{i}/{len(more)}" for i in range(1, len(more) + 1)]
    assert not any(line.startswith("- ") for p in more for line in p.split("\n"))  # plain lines, no web bullets
    count = len(parts)
    sms_stack.text(phone, "MORE")
    [nothing] = twilio_api.wait_for(phone, count + 1)[count:]
    assert "nothing more" in nothing


def test_a_closed_nurse_chat_is_rated_once_and_the_next_question_is_answered(sms_stack, twilio_api, sms_nurse):
    handoffs, nurse = sms_nurse
    words = Wording.from_domain()
    phone = sms_stack.new_phone()
    conversation = sms_stack.conversation_id(phone)
    sms_stack.text(phone, "NURSE")
    twilio_api.wait_until(phone, lambda b: any("in the queue" in x for x in b))
    handoff = handoffs.open_handoff(conversation)
    handoffs.claim(handoff.id, nurse.id)
    handoffs.reply(handoff.id, nurse.id, "Hello, it's Amy. Your follow-up is yearly.")
    handoffs.close(handoff.id, nurse.id, "Information and support given")
    ask = normalise(words.text("utter_sms_csat_ask"))
    bodies = twilio_api.wait_until(phone, lambda b: ask in b[-1])
    assert bodies[-1] == normalise(words.text("utter_handoff_closed", "twilio")) + "\n" + ask
    count = len(bodies)
    sms_stack.text(phone, "4")
    assert twilio_api.wait_for(phone, count + 1)[count:] == [normalise(words.text("utter_sms_feedback_thanks"))]
    with sqlite3.connect(sms_stack.data_dir / "helpline.db") as db:
        rated = db.execute("SELECT channel, kind, handoff_id, rating FROM feedback WHERE conversation_id = ?",
                           (conversation,)).fetchall()  # fmt: skip
    assert rated == [("twilio", "csat", handoff.id, 4)]
    sms_stack.text(phone, "what is recurrence")  # not a rating: the assistant answers it
    answer = twilio_api.wait_until(phone, lambda b: "Reply MORE for more." in b[-1])
    assert all(ask not in body for body in answer[count + 1 :])
