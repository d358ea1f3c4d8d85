"""A nurse chat's rating by SMS: asked once with the close notice, a reply of 1 to 5 stored, anything else a message."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.feedback.models import Feedback
from tests.bot.channels.sms.harness import WORDING

CLOSED = WORDING.text("utter_handoff_closed")
ASK = WORDING.text("utter_sms_csat_ask")


def ratings(session_factory) -> list[tuple]:
    with session_factory() as session:
        rows = session.execute(select(Feedback).order_by(Feedback.id)).scalars()
        return [(r.conversation_id, r.channel, r.kind, r.handoff_id, r.rating) for r in rows]


def closed_chat(sms, nurse, priority: str = "normal") -> int:
    """A chat the nurse claimed and closed; what it sent until the close notice is pushed and returned."""
    handoff = sms.service.request(sms.cid, "twilio", "asked", priority=priority).handoff
    sms.service.claim(handoff.id, nurse.id)
    sms.push()
    sms.service.close(handoff.id, nurse.id, "Information and support given")
    return handoff.id


def test_the_close_notice_asks_once_and_a_rating_is_stored_against_the_chat_and_thanked(sms, nurses, session_factory):
    sms.text("hello")
    chat = closed_chat(sms, nurses[0])
    assert sms.push() == [f"{CLOSED}\n{ASK}"]
    assert sms.state().csat_handoff_id == chat
    seen = list(sms.rasa.seen)
    sms.text("4 out of 5")
    assert sms.rasa.seen == seen  # a rating: not a turn of the dialogue
    assert sms.push() == ["Thank you for telling us."]
    assert ratings(session_factory) == [(sms.cid, "twilio", "csat", chat, 4)]
    sms.text("5")  # rated already: now just text for the assistant
    assert sms.rasa.seen[-1] == "5" and len(ratings(session_factory)) == 1


def test_anything_but_a_rating_is_handled_as_a_message_and_the_question_is_closed(sms, nurses, session_factory):
    sms.text("hello")
    closed_chat(sms, nurses[0])
    sms.push()
    sms.text("what about the bones")
    assert sms.rasa.seen[-1] == "what about the bones" and sms.push() == ["A bot answer."]
    sms.text("3")  # no longer an answer to the question: the assistant has it
    assert sms.rasa.seen[-1] == "3" and ratings(session_factory) == []


def test_a_chat_handed_back_to_the_assistant_is_not_rated(sms, nurses):
    sms.text("hello")
    handoff = sms.service.request(sms.cid, "twilio", "asked").handoff
    sms.service.claim(handoff.id, nurses[0].id)
    sms.push()
    sms.service.hand_back(handoff.id, nurses[0].id)
    assert ASK not in " ".join(sms.push()) and sms.state().csat_handoff_id is None


@pytest.mark.parametrize("how", ["urgent from the start", "red flag during the chat", "urgent chat earlier"])
def test_never_asked_after_an_urgent_or_crisis_chat(sms, nurses, session_factory, how):
    sms.text("hello")
    if how == "urgent from the start":
        closed_chat(sms, nurses[0], priority="urgent")
    elif how == "red flag during the chat":
        handoff = sms.service.request(sms.cid, "twilio", "asked").handoff
        sms.service.claim(handoff.id, nurses[0].id)
        sms.service.flag_safety(handoff.id, "Safety check: crisis words.")  # what the gate does (and replies)
        sms.service.close(handoff.id, nurses[0].id, "Referred to urgent care")
    else:
        closed_chat(sms, nurses[0], priority="urgent")
        sms.push()
        closed_chat(sms, nurses[0])
    assert sms.push()[-1] == CLOSED
    sms.text("4")
    assert sms.rasa.seen[-1] == "4" and ratings(session_factory) == []


def test_never_asked_after_a_safety_reply_to_this_number(sms, nurses, session_factory):
    sms.rasa.reply = {"text": "Call 999 or NHS 111 now.", "utter_action": "utter_urgent_symptom"}
    sms.text("I can't breathe")
    assert sms.state().safety_replied
    sms.rasa.reply = {"text": "A bot answer."}
    closed_chat(sms, nurses[0])
    assert sms.push()[-1] == CLOSED
    sms.text("5")
    assert sms.rasa.seen[-1] == "5" and ratings(session_factory) == []


def test_a_close_notice_sent_again_after_a_failure_asks_the_same(sms, nurses):
    sms.text("hello")
    closed_chat(sms, nurses[0])
    sms.transmit.failures = [ConnectionError("cannot reach Twilio")]
    assert sms.push() == []
    sms.clock.advance(seconds=2)
    assert sms.push() == [f"{CLOSED}\n{ASK}"]
