"""'Did this help?' by SMS: once per number, on the first content answer, never after a safety reply."""

from __future__ import annotations

from sqlalchemy import select

from bot.feedback.models import Feedback

ANSWER = {"text": "Short answer. Reply MORE for more.", "utter_action": "utter_content_answer"}
ASK = "Did this help? Reply HELPED or NOT HELPED."


def content(entry: str) -> dict:
    return {**ANSWER, "content_id": entry}


def verdicts(session_factory) -> list[tuple]:
    with session_factory() as session:
        rows = session.execute(select(Feedback).order_by(Feedback.id)).scalars()
        return [(r.conversation_id, r.channel, r.content_id, r.rating) for r in rows]


def test_the_first_content_answer_asks_once_and_helped_is_stored_and_confirmed(sms, session_factory):
    sms.text("hello")  # not a content answer: nothing asked
    sms.rasa.reply = content("symptoms-secondary")
    sms.text("what are the signs")
    sms.rasa.reply = content("treatment-secondary")
    sms.text("and the treatment")
    assert sms.queued() == [
        "A bot answer.",
        "Short answer. Reply MORE for more.\n" + ASK,
        "Short answer. Reply MORE for more.",  # asked once per number
    ]
    seen = list(sms.rasa.seen)
    sms.text("Helped!")
    assert sms.rasa.seen == seen  # a keyword: not a turn of the dialogue
    assert sms.queued()[-1] == "Thank you for telling us."
    assert verdicts(session_factory) == [(sms.cid, "twilio", "symptoms-secondary", 1)]
    sms.text("helped")  # answered already: now just text for the assistant
    assert sms.rasa.seen[-1] == "helped"
    assert len(verdicts(session_factory)) == 1


def test_not_helped_is_stored_as_a_no(sms, session_factory):
    sms.rasa.reply = content("coping-general")
    sms.text("how do I cope")
    sms.text("NOT HELPED")
    assert verdicts(session_factory) == [(sms.cid, "twilio", "coping-general", 0)]


def test_never_asked_after_a_safety_reply(sms, session_factory):
    sms.rasa.reply = {"text": "Call 999 or NHS 111 now.", "utter_action": "utter_urgent_symptom"}
    sms.text("I can't breathe")
    sms.rasa.reply = content("symptoms-secondary")
    sms.text("what are the signs")
    assert sms.queued()[-1] == "Short answer. Reply MORE for more."
    sms.text("helped")
    assert sms.rasa.seen[-1] == "helped" and verdicts(session_factory) == []


def test_helped_before_any_question_goes_to_the_assistant(sms, session_factory):
    sms.text("helped")
    assert sms.rasa.seen == ["helped"] and verdicts(session_factory) == []
