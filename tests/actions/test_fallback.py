"""Clarification buttons, out-of-scope replies, and the helpline offer after two misses."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionClarify, ActionOutOfScope
from tests.actions.conftest import entity, events_after, make_tracker

RANKING = [
    {"name": "nlu_fallback", "confidence": 0.4},
    {"name": "ask_treatment", "confidence": 0.3},
    {"name": "greet", "confidence": 0.2},
    {"name": "ask_opening_hours", "confidence": 0.15},
    {"name": "ask_prognosis", "confidence": 0.1},
]


ALWAYS = [("Something else", "/affirm"), ("Talk to a nurse", "/request_nurse")]


def test_clarify_offers_likely_topics_then_something_else_and_a_nurse():
    dispatcher = CollectingDispatcher()
    ranking = [RANKING[0], RANKING[1], {"name": "ask_prognosis", "confidence": 0.25}, *RANKING[2:]]
    tracker = make_tracker("nlu_fallback", [entity("recurrence_type", "secondary")], ranking=ranking)
    events = ActionClarify().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_clarify"
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [
        ("Treatment for recurrence", '/ask_treatment{"recurrence_type": "secondary"}'),
        ("Recurrence and prognosis", '/ask_prognosis{"recurrence_type": "secondary"}'),
        *ALWAYS,
    ]
    assert events == [SlotSet("failed_turns", 1.0), SlotSet("handoff_offer", None)]


def test_clarify_never_offers_a_topic_ranked_below_one_it_left_out():
    dispatcher = CollectingDispatcher()
    ActionClarify().run(dispatcher, make_tracker("nlu_fallback", ranking=RANKING), {})
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads == ["/ask_treatment", "/affirm", "/request_nurse"]  # prognosis ranked below greet


def test_another_cancer_gets_the_scope_reply_and_the_helpline():
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("out_of_scope", [entity("other_cancer", "ovarian cancer")])
    events = ActionOutOfScope().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_other_cancer", "utter_helpline_open_now"]
    assert events == []


def test_clarify_without_candidates_offers_common_topics():
    dispatcher = CollectingDispatcher()
    ActionClarify().run(dispatcher, make_tracker("nlu_fallback", ranking=[{"name": "nlu_fallback"}]), {})
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [
        "/ask_what_is_recurrence",
        "/ask_symptoms",
        "/ask_treatment",
        "/affirm",
        "/request_nurse",
    ]


def test_second_miss_offers_the_helpline(clock):
    from tests.actions.conftest import SATURDAY_2PM

    clock.now = SATURDAY_2PM
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


@pytest.mark.parametrize("reply", ["utter_emergency", "utter_urgent_symptom", "utter_crisis"])
def test_an_unclear_message_right_after_safety_advice_gets_the_advice_again_not_a_menu(reply):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("nlu_fallback", ranking=RANKING, text="should I wait and see", events=events_after(reply))
    assert ActionClarify().run(dispatcher, tracker, {}) == []
    assert [m["response"] for m in dispatcher.messages] == [reply]


def test_safety_advice_given_earlier_in_the_conversation_is_not_repeated():
    dispatcher = CollectingDispatcher()
    earlier = events_after("utter_emergency") + [
        {"event": "user", "text": "thanks"},
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_you_are_welcome"}},
    ]
    tracker = make_tracker("nlu_fallback", ranking=RANKING, text="hmm", events=earlier)
    ActionClarify().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_clarify"]


@pytest.mark.parametrize(
    "intent, text",
    [("ask_symptoms", "should I wait and see if it gets better"), ("ask_prognosis", "is it serious enough to go in")],
)
def test_asking_to_wait_right_after_urgent_advice_gets_the_advice_again_whatever_the_intent(intent, text):
    from actions.answers import ActionAnswerFromContent

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(intent, text=text, events=events_after("utter_urgent_symptom"))
    assert ActionAnswerFromContent().run(dispatcher, tracker, {}) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_urgent_symptom"]


def test_asking_how_long_to_leave_it_right_after_safety_netting_gets_that_line_again():
    """A blind journey: "how long should i leave it" after a cough and safety-netting got the outlook."""
    from actions.answers import ActionAnswerFromContent

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "ask_prognosis", text="how long should i leave it", events=events_after("utter_safety_netting")
    )
    assert ActionAnswerFromContent().run(dispatcher, tracker, {}) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_safety_netting"]


@pytest.mark.parametrize(
    "text, expected",
    [("can this wait until tomorrow", "utter_emergency"), ("ok ringing now", "utter_goodbye")],
)
def test_goodbye_after_emergency_advice_repeats_it_only_when_asking_to_wait(text, expected):
    from actions.safety import ActionGoodbye

    dispatcher = CollectingDispatcher()
    ActionGoodbye().run(dispatcher, make_tracker("goodbye", text=text, events=events_after("utter_emergency")), {})
    assert [m["response"] for m in dispatcher.messages] == [expected]
    dispatcher = CollectingDispatcher()
    ActionGoodbye().run(dispatcher, make_tracker("goodbye", text=text), {})  # no advice just given
    said = [m.get("response") for m in dispatcher.messages]
    assert (said == ["utter_goodbye"]) == (expected == "utter_goodbye")  # a question never gets "take care"


@pytest.mark.parametrize("text", ["how long have I got", "so how long do i have left?"])
def test_a_question_classed_as_goodbye_is_not_answered_with_take_care(text):
    """The fourth blind set: "how long have I got" was classed as goodbye."""
    from actions.safety import ActionGoodbye

    dispatcher = CollectingDispatcher()
    tracker = make_tracker("goodbye", ranking=[{"name": "goodbye", "confidence": 0.5}], text=text)
    ActionGoodbye().run(dispatcher, tracker, {})
    assert "utter_goodbye" not in [m.get("response") for m in dispatcher.messages]
    assert dispatcher.messages


@pytest.mark.parametrize("text", ["ok bye", "thanks for your help, bye", "I need to go now, my husband's just come in"])
def test_a_goodbye_that_asks_nothing_says_goodbye(text):
    from actions.safety import ActionGoodbye

    dispatcher = CollectingDispatcher()
    ActionGoodbye().run(dispatcher, make_tracker("goodbye", text=text), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_goodbye"]


@pytest.mark.parametrize(
    "advice, text, expected",
    [
        ("utter_urgent_symptom", "ok ringing now", ["utter_goodbye"]),
        ("utter_urgent_symptom", "can this wait till the morning", ["utter_urgent_symptom"]),
        # The fifth blind journeys: a fever after chemotherapy got safety-netting, then our number.
        ("utter_safety_netting", "ok ringing now", ["utter_goodbye"]),
    ],
)
def test_no_helpline_number_to_someone_calling_as_urgent_advice_told_them(advice, text, expected):
    """A blind journey: "ok ringing now" after urgent advice was classed as opening hours and got our number."""
    from actions.session import ActionOpeningHours

    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ask_opening_hours", text=text, events=events_after(advice))
    ActionOpeningHours().run(dispatcher, tracker, {})
    assert [m.get("response") for m in dispatcher.messages] == expected


def test_asking_the_hours_after_urgent_advice_still_gets_them():
    from actions.session import ActionOpeningHours

    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ask_opening_hours", text="when are you open?", events=events_after("utter_urgent_symptom"))
    ActionOpeningHours().run(dispatcher, tracker, {})
    assert "utter_goodbye" not in [m.get("response") for m in dispatcher.messages] and dispatcher.messages
