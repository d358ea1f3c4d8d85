"""action_request_nurse in and out of hours, and the leave-a-message path."""

from __future__ import annotations

import datetime as dt

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionOutOfScope
from actions.handoff import ActionDeclineOffer, ActionRequestNurse
from actions.left_message import ActionSubmitLeftMessage
from tests.actions.conftest import LONDON, MONDAY_10AM, SATURDAY_2PM, make_tracker

HISTORY = [
    {"event": "user", "text": "what is recurrence"},
    {"event": "bot", "text": "Recurrence is..."},
    {"event": "slot", "name": "x", "value": 1},
]


def request(tracker):
    dispatcher = CollectingDispatcher()
    events = ActionRequestNurse().run(dispatcher, tracker, {})
    return [m["response"] for m in dispatcher.messages], dispatcher.messages, events


def test_in_hours_joins_the_queue_with_position_and_wait(services):
    responses, messages, events = request(make_tracker("request_nurse", text="can i talk to a nurse", events=HISTORY))
    assert responses == ["utter_handoff_queued"]
    assert messages[0]["position"] == 1 and messages[0]["minutes"] == 5
    assert events == [SlotSet("handoff_offer", None)]
    handoff = services.handoff.open_handoff("test-user")
    assert handoff.state == "waiting" and handoff.channel == "rest" and handoff.reason == "asked for a nurse"
    _, transcript = services.handoff.detail(handoff.id)
    assert [(m.author, m.text) for m in transcript] == [
        ("person", "what is recurrence"),
        ("bot", "Recurrence is..."),
        ("person", "can i talk to a nurse"),
    ]


def test_asking_twice_keeps_one_handoff(services):
    request(make_tracker("request_nurse"))
    _, messages, _ = request(make_tracker("request_nurse"))
    assert messages[0]["position"] == 1
    assert len(services.handoff.queue()) == 1


def test_out_of_hours_says_when_and_offers_a_message(services, clock):
    clock.now = SATURDAY_2PM
    responses, messages, events = request(make_tracker("request_nurse"))
    assert responses == ["utter_helpline_closed_weekday", "utter_offer_leave_message"]
    assert messages[0]["weekday"] == "Monday" and messages[0]["phone"] == "0808 800 6000"
    assert events == [SlotSet("handoff_offer", "leave_message")]
    assert services.handoff.open_handoff("test-user") is None


def test_within_the_cut_off_no_new_handoffs(services, clock):
    clock.now = dt.datetime(2026, 11, 23, 15, 50, tzinfo=LONDON)
    responses, _, _ = request(make_tracker("request_nurse"))
    assert responses == ["utter_handoff_closing_soon", "utter_helpline_open_now", "utter_offer_leave_message"]
    assert services.handoff.queue() == []


def test_left_message_is_stored_for_the_nurses(services, clock):
    clock.now = SATURDAY_2PM
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ask_coping", slots={"left_message": "please ring me about my scan"})
    events = ActionSubmitLeftMessage().run(dispatcher, tracker, {})
    said = [m["response"] for m in dispatcher.messages]
    assert said == ["utter_left_message_saved", "utter_left_message_reply_weekday"]
    assert dispatcher.messages[0]["message"] == "please ring me about my scan"
    assert SlotSet("left_message", None) in events
    [left] = services.handoff.left_messages()
    _, transcript = services.handoff.detail(left.id)
    assert (left.kind, left.state, transcript[0].text) == ("message", "waiting", "please ring me about my scan")
    assert services.handoff.open_handoff("test-user") is None  # the bot keeps answering


def test_failing_twice_in_hours_offers_a_nurse(clock):
    clock.now = MONDAY_10AM
    dispatcher = CollectingDispatcher()
    events = ActionOutOfScope().run(dispatcher, make_tracker("out_of_scope", slots={"failed_turns": 1.0}), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_offer_helpline", "utter_offer_nurse"]
    assert SlotSet("handoff_offer", "nurse") in events


def test_accepting_the_offer_records_why(services):
    request(make_tracker("affirm", slots={"handoff_offer": "nurse"}))
    assert services.handoff.open_handoff("test-user").reason == "the assistant could not help"


def test_declining_clears_the_offer():
    dispatcher = CollectingDispatcher()
    events = ActionDeclineOffer().run(dispatcher, make_tracker("deny", slots={"handoff_offer": "nurse"}), {})
    assert events == [SlotSet("handoff_offer", None)]


def test_the_transcript_includes_turns_rasa_no_longer_sends(services, tracker_engine):
    """Rasa sends a window of a long conversation; the nurse still sees the turns before it."""
    import asyncio

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.config import PROJECT_ROOT
    from bot.rasa_runtime.tracker_window import WindowedSQLTrackerStore

    domain = Domain.load(PROJECT_ROOT / "domain.yml")
    earlier = DialogueStateTracker("test-user", domain.slots)
    earlier.update_with_events(
        [ActionExecuted("action_session_start", timestamp=1), SessionStarted(timestamp=1),
         UserUttered("old question", timestamp=2), BotUttered("old answer", timestamp=3)],
        domain,
        override_timestamp=False,
    )  # fmt: skip
    asyncio.run(WindowedSQLTrackerStore(domain, dialect="sqlite", db=tracker_engine.url.database).save(earlier))
    window = [
        {"event": "user", "text": "what is recurrence", "timestamp": 10},
        {"event": "bot", "text": "Recurrence is...", "timestamp": 11},
    ]
    request(make_tracker("request_nurse", text="can i talk to a nurse", events=window))
    _, transcript = services.handoff.detail(services.handoff.open_handoff("test-user").id)
    assert [m.text for m in transcript] == ["old question", "old answer", "what is recurrence", "Recurrence is...",
                                            "can i talk to a nurse"]  # fmt: skip


def test_yes_to_the_nurse_offered_with_the_crisis_reply_queues_at_the_top(services):
    request(make_tracker("request_nurse", text="i asked earlier", events=HISTORY))  # someone already waiting
    crisis = [
        {"event": "user", "text": "i dont want to be here anymore"},
        {"event": "bot", "text": "Samaritans...", "metadata": {"utter_action": "utter_crisis"}},
        {"event": "bot", "text": "Would you like...", "metadata": {"utter_action": "utter_offer_nurse"}},
    ]
    tracker = make_tracker("affirm", text="yes", slots={"handoff_offer": "nurse"}, events=crisis)
    tracker.sender_id = "in-crisis"
    _, messages, _ = request(tracker)
    handoff = services.handoff.open_handoff("in-crisis")
    assert handoff.priority == "urgent" and handoff.reason.startswith("crisis")
    assert messages[0]["position"] == 1  # ahead of the person who asked first


def test_yes_to_a_nurse_offered_after_two_misses_is_an_ordinary_place(services):
    missed = [
        {"event": "user", "text": "purple elephant"},
        {"event": "bot", "text": "Sorry...", "metadata": {"utter_action": "utter_offer_helpline"}},
    ]
    earlier_crisis = [{"event": "bot", "text": "Samaritans...", "metadata": {"utter_action": "utter_crisis"}}]
    tracker = make_tracker("affirm", text="yes", slots={"handoff_offer": "nurse"}, events=earlier_crisis + missed)
    request(tracker)
    handoff = services.handoff.open_handoff("test-user")
    assert handoff.priority == "normal" and handoff.reason == "the assistant could not help"


def test_while_new_chats_are_paused_a_request_gets_the_admins_message_and_the_offer_of_a_message(services, imported):
    from argon2 import PasswordHasher

    from bot.handoff.nurses import NurseAccounts

    admin = NurseAccounts(imported, services.now, PasswordHasher(time_cost=1, memory_cost=1024)).create(
        "lead", "Lee Lead", "a long enough password", "admin"
    )
    services.pause.pause(admin.id, "Our nurses are all in training this morning.")
    responses, messages, events = request(make_tracker("request_nurse"))
    assert responses == ["utter_handoffs_paused", "utter_helpline_open_now", "utter_offer_leave_message"]
    assert messages[0]["message"] == "Our nurses are all in training this morning."
    assert events == [SlotSet("handoff_offer", "leave_message")]
    assert services.handoff.queue() == []

    services.pause.resume(admin.id)
    responses, _, _ = request(make_tracker("request_nurse"))
    assert responses == ["utter_handoff_queued"]
