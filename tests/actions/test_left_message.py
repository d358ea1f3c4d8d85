"""Leaving a message out of hours: the form keeps what a safety reply interrupted, the saved message holds
every word, the person is told what was saved and when a nurse will reply, and asking again is answered
truthfully (never "you're already chatting with one of our nurses" when nobody is)."""

from __future__ import annotations

import datetime as dt

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionRequestNurse
from actions.left_message import ActionSubmitLeftMessage, ValidateLeaveMessageForm
from bot.handoff.left_messages import message_text
from bot.handoff.models import Priority
from tests.actions.conftest import LONDON, MONDAY_10AM, SATURDAY_2PM

WEDNESDAY_7PM = dt.datetime(2026, 12, 2, 19, 0, tzinfo=LONDON)
RED_FLAG = "my scar has gone red and a bit lumpy, should I be worried?"
BEFORE = [
    {"event": "user", "text": "what is recurrence", "timestamp": 1},
    {"event": "bot", "text": "Recurrence is...", "timestamp": 2},
    {"event": "user", "text": "can i speak to a nurse", "timestamp": 3},
    {"event": "bot", "text": "Our nurses aren't available right now.", "timestamp": 4},
    {"event": "user", "text": "/affirm", "timestamp": 5},
    {"event": "action", "name": "leave_message_form", "timestamp": 6},
    {"event": "active_loop", "name": "leave_message_form", "timestamp": 6},
    {"event": "bot", "text": "Please type your message for the nurses in one message.", "timestamp": 7},
    {"event": "action", "name": "action_listen", "timestamp": 8},
]
INTERRUPTED = BEFORE + [
    {"event": "user", "text": RED_FLAG, "timestamp": 9},
    {"event": "action_execution_rejected", "name": "leave_message_form", "timestamp": 10},
    {"event": "action", "name": "action_urgent_symptom", "timestamp": 11},
    {
        "event": "bot",
        "text": "This could need urgent care. Call NHS 111.",
        "timestamp": 12,
        "metadata": {"utter_action": "utter_urgent_symptom"},
    },
]


def tracker(events, slots=None, channel="rest") -> Tracker:
    user = [e for e in events if e["event"] == "user"]
    for event in user:
        event.setdefault("input_channel", channel)
    return Tracker(
        sender_id="test-user",
        slots=slots or {},
        latest_message={"text": user[-1]["text"] if user else "", "intent": {}, "entities": []},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "leave_message_form"},
        latest_action_name=None,
    )


def validate(events, slots=None):
    return ValidateLeaveMessageForm().run(CollectingDispatcher(), tracker(events, slots), {})


def test_a_red_flag_is_left_to_the_safety_rule_first():
    # The form runs after the person's reply; the slot mapping did not take a safety intent.
    events = BEFORE + [{"event": "user", "text": RED_FLAG}, {"event": "action", "name": "leave_message_form"}]
    assert validate(events) == []  # the form rejects, so the safety rule answers at once


def test_after_the_safety_reply_the_message_that_set_it_off_completes_the_form():
    events = INTERRUPTED + [{"event": "action", "name": "leave_message_form"}]
    assert validate(events) == [SlotSet("left_message", RED_FLAG)]


def test_an_ordinary_message_completes_the_form():
    events = BEFORE + [{"event": "user", "text": "please ring me"}, {"event": "action", "name": "leave_message_form"}]
    assert validate(events, {"left_message": "please ring me"}) == [SlotSet("left_message", "please ring me")]


def test_the_saved_message_holds_what_was_interrupted_and_says_what_happens_next(services, clock):
    clock.now = WEDNESDAY_7PM
    dispatcher = CollectingDispatcher()
    events = ActionSubmitLeftMessage().run(dispatcher, tracker(INTERRUPTED, {"left_message": RED_FLAG}), {})
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_left_message_saved",
        "utter_left_message_reply_tomorrow",
    ]
    assert dispatcher.messages[0]["message"] == RED_FLAG
    assert dispatcher.messages[1]["time"] == "9am"
    assert SlotSet("left_message", None) in events
    [left] = services.handoff.left_messages()
    _, messages = services.handoff.detail(left.id)
    assert message_text(messages) == RED_FLAG  # the concern, not whatever came next
    context = [m.text for m in messages if m.context]
    assert context[:3] == ["what is recurrence", "Recurrence is...", "can i speak to a nurse"]  # what led up to it
    assert "This could need urgent care. Call NHS 111." in [m.text for m in messages if not m.context]
    assert left.priority == Priority.URGENT  # the safety reply interrupted it: the nurses see it flagged


def test_a_message_with_no_safety_advice_is_left_with_normal_priority(services, clock):
    clock.now = WEDNESDAY_7PM
    written = BEFORE + [{"event": "user", "text": "please ring me about my scan"}]
    ActionSubmitLeftMessage().run(CollectingDispatcher(), tracker(written), {})
    assert [m.priority for m in services.handoff.left_messages()] == [Priority.NORMAL]


def test_by_sms_the_quote_is_short(services, clock):
    clock.now = SATURDAY_2PM
    long_message = "word " * 100
    written = BEFORE + [{"event": "user", "text": long_message}]
    dispatcher = CollectingDispatcher()
    ActionSubmitLeftMessage().run(dispatcher, tracker(written, channel="twilio"), {})
    assert len(dispatcher.messages[0]["message_short"]) <= 120
    assert dispatcher.messages[1]["response"] == "utter_left_message_reply_weekday"
    assert services.handoff.left_messages()[0].channel == "twilio"


@pytest.fixture
def nurses_for_actions(services) -> int:
    from argon2 import PasswordHasher

    from bot.handoff.nurses import NurseAccounts

    service = services.handoff
    accounts = NurseAccounts(service._sessions, service._now, PasswordHasher(time_cost=1, memory_cost=1024))
    return accounts.create("amy", "Amy Clarke", "correct horse battery").id


def request(services):
    dispatcher = CollectingDispatcher()
    ActionRequestNurse().run(dispatcher, tracker(BEFORE[:1]), {})
    return [m["response"] for m in dispatcher.messages], dispatcher.messages


def test_asking_again_while_a_nurse_has_the_message_is_answered_truthfully(services, clock, nurses_for_actions):
    clock.now = WEDNESDAY_7PM
    ActionSubmitLeftMessage().run(CollectingDispatcher(), tracker(INTERRUPTED), {})
    [left] = services.handoff.left_messages()
    clock.now = WEDNESDAY_7PM + dt.timedelta(hours=14, minutes=30)  # Thursday 9:30am
    services.handoff.claim(left.id, nurses_for_actions)
    responses, messages = request(services)
    assert responses == ["utter_left_message_with_nurse"] and messages[0]["nurse"] == "Amy Clarke"
    assert "utter_handoff_already_with_nurse" not in responses


def test_asking_again_out_of_hours_says_the_message_is_waiting(services, clock):
    clock.now = SATURDAY_2PM
    ActionSubmitLeftMessage().run(CollectingDispatcher(), tracker(INTERRUPTED), {})
    responses, _ = request(services)
    assert responses == ["utter_left_message_pending", "utter_left_message_reply_weekday"]


def test_asking_in_hours_turns_the_waiting_message_into_a_live_chat(services, clock):
    clock.now = SATURDAY_2PM
    ActionSubmitLeftMessage().run(CollectingDispatcher(), tracker(INTERRUPTED), {})
    clock.now = MONDAY_10AM + dt.timedelta(days=7)
    responses, messages = request(services)
    assert responses == ["utter_handoff_queued"] and messages[0]["position"] == 1
    assert services.handoff.open_handoff("test-user").kind == "live"
