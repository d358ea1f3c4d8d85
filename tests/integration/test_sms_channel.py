"""SMS end to end: signed webhooks into the real Rasa and action servers, replies out through a Twilio stand-in."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid

import pytest
import requests
import yaml
from twilio.request_validator import RequestValidator

from bot.channels.sms.text import is_gsm7, normalise, numbered_parts, segment_count
from bot.config import PROJECT_ROOT
from bot.hours import OpeningHours
from bot.wording import Wording
from tests.integration.sms_fixtures import AUTH_TOKEN, HELPLINE_NUMBER, PUBLIC_URL
from tests.support.waiting import wait_until

HOURS = OpeningHours.from_file(PROJECT_ROOT / "config" / "helpline.yml")  # as the servers read it

# utter_greet asks "What would you like to know…?": the answer to "I have a question" (however often typed).
SENSIBLE_REPLIES = ("utter_how_can_i_help", "utter_greet", "utter_clarify", "utter_out_of_scope", "utter_default")
UPSET_EMOJI = "\U0001f622\U0001f622\U0001f622"  # upset emoji alone get the coping answer, not "I can't help"


def content_entry(entry_id: str) -> dict:
    for path in (PROJECT_ROOT / "data" / "content").glob("*.yml"):
        for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("entries") or []:
            if entry.get("id") == entry_id:
                return entry
    raise KeyError(entry_id)


def assert_fits_sms(bodies: list[str]) -> None:
    for body in bodies:
        assert body and is_gsm7(body) and segment_count(body) <= 3, body


def everything_sent(sms_stack, twilio_api, phone: str) -> list[str]:
    """Every text the earlier messages caused, known complete without waiting to see: those before STOP's reply.

    One number's texts are handled in order and its replies sent in order, so STOP's reply
    (the channel's own, no NLU) follows anything the earlier texts caused.
    """
    stopped = normalise(Wording.from_domain().text("utter_sms_stopped"))
    sms_stack.text(phone, "STOP")
    bodies = twilio_api.wait_until(phone, lambda b: stopped in b, what="the reply to STOP")
    assert bodies[-1] == stopped and bodies.count(stopped) == 1, bodies
    return bodies[:-1]


def assert_nothing_more(sms_stack, twilio_api, phone: str, count: int) -> None:
    """Nothing was sent after the first `count` texts: a STOP's reply comes next, and alone."""
    assert len(everything_sent(sms_stack, twilio_api, phone)) == count


def test_webhook_answers_at_once_with_empty_twiml(sms_stack, twilio_api):
    phone = sms_stack.new_phone()
    started = time.monotonic()
    response = sms_stack.text(phone, "what is recurrence")
    assert time.monotonic() - started < 3
    assert response.headers["Content-Type"].startswith("text/xml")
    assert response.text.strip().endswith("<Response/>")
    bodies = twilio_api.wait_until(phone, lambda b: any("Reply MORE for more." in x for x in b))
    assert all(s.sender == HELPLINE_NUMBER for s in twilio_api.sent if s.to == phone)
    assert_fits_sms(bodies)


def test_answer_fits_three_segments_and_more_sends_the_full_answer(sms_stack, twilio_api):
    phone = sms_stack.new_phone()
    sms_stack.text(phone, "what are the symptoms of secondary breast cancer")
    bodies = twilio_api.wait_until(phone, lambda b: any("bones" in x for x in b))
    assert "not a diagnosis" in bodies[0]  # the once-per-conversation notice comes first
    [answer] = [b for b in bodies if "bones" in b]
    entry = content_entry("symptoms-secondary")
    ask = Wording.from_domain().text("utter_sms_feedback_ask")  # the first content answer asks, once
    assert answer == normalise(f"{entry['sms_answer']} Reply MORE for more.\n{ask}")
    assert_fits_sms(bodies)
    count = len(bodies)
    sms_stack.text(phone, "MORE")
    expected = numbered_parts(entry["web_answer"])  # at list items or sentences, numbered 1/2, 2/2
    more = twilio_api.wait_for(phone, count + len(expected))[count:]
    assert more == expected
    assert_fits_sms(more)
    sms_stack.text(phone, "Helped")
    thanks = twilio_api.wait_for(phone, count + len(expected) + 1)[-1]
    assert thanks == normalise(Wording.from_domain().text("utter_sms_feedback_thanks"))


def test_a_long_full_answer_comes_in_parts_of_three_segments(sms_stack, twilio_api):
    phone = sms_stack.new_phone()
    sms_stack.text(phone, "what are the signs of a local recurrence")
    bodies = twilio_api.wait_until(phone, lambda b: any("Reply MORE for more." in x for x in b))
    sms_stack.text(phone, "more")
    count = len(bodies)

    def all_parts(sent: list[str]) -> bool:  # "2/2 …": the last numbered part has arrived
        return len(sent) > count and sent[-1].startswith(f"{len(sent) - count}/{len(sent) - count} ")

    more = twilio_api.wait_until(phone, all_parts)[count:]
    assert_fits_sms(more)
    joined = "\n".join(more)
    assert "inverted nipple" in joined and "\nswelling in your arm or hand" in joined  # each list item a plain line


# The classifier's fallback itself: which everyday words it is unsure of changes with every training run.
UNSURE = "/nlu_fallback"


def test_option_numbers_stand_for_the_buttons(sms_stack, twilio_api):
    phone = sms_stack.new_phone()
    sms_stack.text(phone, UNSURE)
    clarify = twilio_api.wait_until(phone, lambda b: any("Reply 1 for" in x for x in b))
    clarify = [b for b in clarify if "Reply 1 for" in b]
    assert clarify[0].startswith("Sorry, I'm not sure I understood.")
    bodies = twilio_api.to(phone)
    assert_fits_sms(bodies)
    count = len(bodies)
    sms_stack.text(phone, "1")
    answer = twilio_api.wait_for(phone, count + 1)[count:]
    assert any("Reply MORE for more." in b for b in answer), answer


def test_stop_start_and_help(sms_stack, twilio_api):
    phone = sms_stack.new_phone()
    sms_stack.text(phone, "what is recurrence")
    count = len(twilio_api.wait_until(phone, lambda b: any("Reply MORE" in x for x in b)))
    wording = Wording.from_domain()

    sms_stack.text(phone, "STOP")
    assert twilio_api.wait_for(phone, count + 1)[count:] == [normalise(wording.text("utter_sms_stopped"))]
    count += 1
    sms_stack.text(phone, "what are the symptoms of secondary breast cancer")
    sms_stack.text(phone, "HELP")

    sms_stack.text(phone, "START")  # its reply comes next: nothing at all was sent while opted out
    assert twilio_api.wait_for(phone, count + 1)[count:] == [normalise(wording.text("utter_sms_started"))]
    count += 1
    sms_stack.text(phone, "what are the symptoms of secondary breast cancer")
    assert any("bones" in b for b in twilio_api.wait_for(phone, count + 1)[count:])
    count = len(twilio_api.wait_until(phone, lambda b: "bones" in b[-1]))
    sms_stack.text(phone, "help")
    assert twilio_api.wait_for(phone, count + 1)[count:] == [
        normalise(wording.text("utter_sms_help", phone=HOURS.phone))
    ]


def _tracker_texts(stack, conversation: str) -> list[str]:
    with sqlite3.connect(stack.data_dir / "tracker.db") as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (conversation,))
        return [json.loads(row[0]).get("text") or "" for row in rows]


def _tracker_senders(stack) -> set[str]:
    with sqlite3.connect(stack.data_dir / "tracker.db") as db:
        return {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")}


@pytest.mark.parametrize("signature", ["missing", "invalid", "altered body", "wrong url"])
def test_unsigned_or_tampered_requests_are_refused_and_nothing_happens(sms_stack, twilio_api, signature):
    phone = sms_stack.new_phone()
    params = sms_stack.params(phone, "what is recurrence")
    valid = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL, params)
    if signature == "missing":
        response = sms_stack.post(params, signature=None)
    elif signature == "invalid":
        response = sms_stack.post(params, signature="bm90IHRoZSBzaWduYXR1cmU=")
    elif signature == "altered body":
        response = sms_stack.post({**params, "Body": "STOP"}, signature=valid)
    else:
        url = sms_stack.webhook  # signed for the local address, not the public one
        response = sms_stack.post(params, signature=RequestValidator(AUTH_TOKEN).compute_signature(url, params))
    assert response.status_code == 403
    assert_nothing_more(sms_stack, twilio_api, phone, 0)
    assert sms_stack.conversation_id(phone) not in _tracker_senders(sms_stack)


def test_a_replayed_request_is_handled_once(sms_stack, twilio_api):
    phone = sms_stack.new_phone()
    params = sms_stack.params(phone, "what is recurrence")
    assert sms_stack.post(params).status_code == 200
    bodies = twilio_api.wait_until(phone, lambda b: any("Reply MORE" in x for x in b))
    assert sms_stack.post(params).status_code == 200
    assert_nothing_more(sms_stack, twilio_api, phone, len(bodies))


@pytest.mark.parametrize(
    "body",
    [
        "",
        "I have a question " * 111,  # 1,998 characters
        "\u0645\u0627 \u0647\u0648 \u0633\u0631\u0637\u0627\u0646 \u0627\u0644\u062b\u062f\u064a",
        UPSET_EMOJI,
        "\u4f60\u597d\uff0c\u4e73\u817a\u764c\u590d\u53d1\u4e86\u5417\uff1f",
    ],
    ids=["empty", "2000 characters", "arabic", "emoji", "chinese"],
)
def test_awkward_texts_get_a_sensible_sms_never_an_error(sms_stack, twilio_api, body):
    phone = sms_stack.new_phone()
    response = sms_stack.post(sms_stack.params(phone, body))
    assert response.status_code == 200
    if not body:  # nothing for Rasa: the channel asks for a question itself
        assert twilio_api.wait_for(phone, 1) == [Wording.from_domain().text("utter_how_can_i_help")]
        return
    twilio_api.wait_for(phone, 2)  # the notice, then the reply
    bodies = everything_sent(sms_stack, twilio_api, phone)
    assert_fits_sms(bodies)
    wording = Wording.from_domain()
    sensible = [wording.text(name) for name in SENSIBLE_REPLIES]
    if body == UPSET_EMOJI:
        sensible = [" ".join(str(content_entry("coping-general")["sms_answer"]).split()[:8])]
    assert "not a diagnosis" in bodies[0]
    assert any(b.startswith(s) for b in bodies[1:] for s in sensible), bodies


def test_replies_survive_twilio_failing_twice(sms_stack, twilio_api):
    phone = sms_stack.new_phone()
    failed_before = len(twilio_api.failed)
    twilio_api.fail_next(2)
    sms_stack.text(phone, "what are the symptoms of secondary breast cancer")
    bodies = twilio_api.wait_until(phone, lambda b: any("bones" in x for x in b), timeout=30)
    assert len(twilio_api.failed) - failed_before == 2
    assert "not a diagnosis" in bodies[0] and "bones" in bodies[-1]  # in order, nothing lost or repeated
    assert len(bodies) == 2


def test_nurse_handoff_both_ways(sms_stack, twilio_api, sms_nurse):
    handoffs, nurse = sms_nurse
    phone = sms_stack.new_phone()
    conversation = sms_stack.conversation_id(phone)
    sms_stack.text(phone, "I want to talk to a nurse")
    bodies = twilio_api.wait_until(phone, lambda b: any("in the queue" in x for x in b))
    assert_fits_sms(bodies)
    handoff = handoffs.open_handoff(conversation)
    assert handoff is not None and handoff.channel == "twilio"

    handoffs.claim(handoff.id, nurse.id)
    handoffs.reply(handoff.id, nurse.id, "Hello, I\u2019m Amy \u2014 how can I help?")
    count = len(bodies)
    assert twilio_api.wait_for(phone, count + 2)[count:] == [
        "Nurse Amy, one of our specialist nurses, has joined. Your texts now go to them.",
        "Nurse Amy (nurse): Hello, I'm Amy - how can I help?",
    ]
    count += 2
    question = "I have a question about my follow-up appointment"
    sms_stack.text(phone, question)
    wait_until(lambda: handoffs.detail(handoff.id)[1][-1].text == question, "the text in the nurse's transcript")
    transcript = handoffs.detail(handoff.id)[1]
    assert transcript[-1].author == "person"
    assert transcript[-1].text == question
    # The nurse has it and the bot stays quiet: the message never reached the NLU, and the next
    # text the person gets is the nurse handing them back.
    assert question not in _tracker_texts(sms_stack, conversation)
    handoffs.hand_back(handoff.id, nurse.id)
    assert "handed you back" in twilio_api.wait_for(phone, count + 1)[count]


def test_message_text_never_reaches_the_logs(sms_stack, twilio_api):
    phone = sms_stack.new_phone()
    marker = f"zebra{uuid.uuid4().hex[:8]}"
    sms_stack.text(phone, f"what is recurrence {marker}")
    twilio_api.wait_until(phone, lambda b: len(b) >= 2)
    for log in ("rasa.log", "actions.log"):
        assert marker not in (sms_stack.data_dir / log).read_text(errors="replace")


def test_phone_numbers_are_never_in_logs_or_stores_in_clear(sms_stack, twilio_api):
    """Runs last: every number the tests above used, in any of their forms, is absent everywhere."""
    phone = sms_stack.new_phone()
    sms_stack.text(phone, "what is recurrence")
    twilio_api.wait_until(phone, lambda b: len(b) >= 2)
    assert sms_stack.phones
    files = ("rasa.log", "actions.log", "tracker.db", "helpline.db")
    contents = {name: (sms_stack.data_dir / name).read_bytes().decode("latin-1") for name in files}
    for number in sms_stack.phones:
        for form in (number, number[1:], number[3:], "0" + number[3:]):
            for name, content in contents.items():
                assert form not in content, f"{form} found in {name}"
    senders = _tracker_senders(sms_stack)
    assert {sms_stack.conversation_id(p) for p in sms_stack.phones[:3]} <= senders
    assert all(not s.startswith("+") for s in senders)
    with sqlite3.connect(sms_stack.data_dir / "helpline.db") as db:
        channels = {row[0] for row in db.execute("SELECT DISTINCT channel FROM outbox")}
    assert channels == {"twilio"}


def test_the_webhook_rejects_get_and_health_answers(sms_stack):
    assert requests.get(f"{sms_stack.url}/webhooks/twilio/", timeout=10).json() == {"status": "ok"}
    assert requests.get(sms_stack.webhook, timeout=10).status_code == 405
