"""Clarification buttons, out-of-scope replies, and the helpline offer after two misses."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionClarify, ActionOutOfScope
from tests.actions.conftest import entity, make_tracker

RANKING = [
    {"name": "nlu_fallback", "confidence": 0.4},
    {"name": "ask_treatment", "confidence": 0.3},
    {"name": "greet", "confidence": 0.2},
    {"name": "ask_opening_hours", "confidence": 0.15},
    {"name": "ask_prognosis", "confidence": 0.1},
]


def test_clarify_offers_likely_topics_as_buttons():
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("nlu_fallback", [entity("recurrence_type", "secondary")], ranking=RANKING)
    events = ActionClarify().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_clarify"
    assert [b["payload"] for b in message["buttons"]] == [
        '/ask_treatment{"recurrence_type": "secondary"}',
        '/ask_prognosis{"recurrence_type": "secondary"}',
    ]
    assert [b["title"] for b in message["buttons"]] == ["Treatment for recurrence", "Recurrence and prognosis"]
    assert events == [SlotSet("failed_turns", 1.0)]


def test_clarify_without_candidates_offers_common_topics():
    dispatcher = CollectingDispatcher()
    ActionClarify().run(dispatcher, make_tracker("nlu_fallback", ranking=[{"name": "nlu_fallback"}]), {})
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [
        "/ask_what_is_recurrence",
        "/ask_symptoms",
        "/ask_treatment",
    ]


def test_second_miss_offers_the_helpline(clock):
    from tests.actions.conftest import SATURDAY_2PM

    clock["now"] = SATURDAY_2PM
    dispatcher = CollectingDispatcher()
    events = ActionClarify().run(dispatcher, make_tracker("nlu_fallback", slots={"failed_turns": 1.0}), {})
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_offer_helpline",
        "utter_helpline_closed_weekday",
        "utter_offer_leave_message",
    ]
    assert dispatcher.messages[1]["weekday"] == "Monday"
    assert events == [SlotSet("failed_turns", 2.0), SlotSet("handoff_offer", "leave_message")]


def test_out_of_scope_then_helpline():
    dispatcher = CollectingDispatcher()
    ActionOutOfScope().run(dispatcher, make_tracker("out_of_scope"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_out_of_scope"]
    dispatcher = CollectingDispatcher()
    ActionOutOfScope().run(dispatcher, make_tracker("out_of_scope", slots={"failed_turns": 1.0}), {})
    assert dispatcher.messages[0]["response"] == "utter_offer_helpline"
