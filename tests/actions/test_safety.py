"""Graded safety actions: the safe reply always; an urgent handoff naming the red flag in hours; safety-netting."""

from __future__ import annotations

from typing import Optional

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ActionCrisis, ActionSafetyAdvice, ActionUrgentSymptom
from bot.safety.detector import SafetyDetector
from bot.safety.disposition import Thresholds, decide
from bot.wording import Wording
from tests.actions.conftest import SATURDAY_2PM, events_after, make_tracker

DETECTOR = SafetyDetector()


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, {})
    return [m["response"] for m in dispatcher.messages], events


def tracker_for(text: str, intent: str, urgent: float = 0.0, crisis: float = 0.0, safety: Optional[dict] = None):
    """A tracker whose latest message carries the disposition the SafetyNet would have given."""
    ranking = [
        {"name": "report_urgent_symptom", "confidence": urgent},
        {"name": "express_crisis", "confidence": crisis},
    ]
    tracker = make_tracker(intent, text=text, ranking=ranking)
    if safety is None:
        safety = decide(text, DETECTOR.check(text), ranking, Thresholds()).as_dict()
    tracker.latest_message["safety"] = safety
    return tracker


def test_emergency_in_hours_replies_then_queues_an_urgent_handoff_that_names_the_red_flag(services):
    services.handoff.request("someone-else", "rest", "asked for a nurse")
    tracker = tracker_for("sudden crushing chest pain", "report_urgent_symptom", urgent=0.95)
    responses, _ = run(ActionUrgentSymptom(), tracker)
    assert responses == ["utter_emergency", "utter_urgent_nurse_asked"]
    queue = services.handoff.queue()
    assert queue[0].handoff.conversation_id == "test-user" and queue[0].handoff.priority == "urgent"
    assert queue[0].handoff.reason == "Emergency, told to call 999 or go to A&E: chest pain"


def test_the_nurse_transcript_shows_the_advice_the_person_was_given(services):
    tracker = tracker_for("my back is agony and my legs have gone numb", "report_urgent_symptom", urgent=0.9)
    run(ActionUrgentSymptom(), tracker)
    handoff = services.handoff.open_handoff("test-user")
    assert handoff.reason.startswith("Urgent, told to call acute oncology or NHS 111 now: ")
    assert "possible spinal cord compression: back pain with leg numbness or weakness" in handoff.reason
    _, transcript = services.handoff.detail(handoff.id)
    wording = Wording.from_domain()
    assert [(m.author, m.text) for m in transcript][-3:] == [
        ("person", "my back is agony and my legs have gone numb"),
        ("bot", wording.text("utter_urgent_symptom")),
        ("bot", wording.text("utter_urgent_nurse_asked")),
    ]


def test_a_classifier_only_urgent_route_is_marked_for_review(services):
    text = "a sudden awful headache and blurred vision"
    run(ActionUrgentSymptom(), tracker_for(text, "report_urgent_symptom", urgent=0.97))
    assert "found by the classifier only (please review)" in services.handoff.open_handoff("test-user").reason


def test_urgent_intent_without_a_disposition_still_gets_the_urgent_route(services):
    responses, _ = run(ActionUrgentSymptom(), make_tracker("report_urgent_symptom", text="/report_urgent_symptom"))
    assert responses == ["utter_urgent_symptom", "utter_urgent_nurse_asked"]
    assert services.handoff.open_handoff("test-user").reason.endswith(": possible red-flag symptom")


def test_urgent_out_of_hours_still_gets_the_urgent_route(services, clock):
    clock.now = SATURDAY_2PM
    responses, _ = run(ActionUrgentSymptom(), tracker_for("on chemo and my temp is 38.9", "report_urgent_symptom"))
    assert responses == ["utter_urgent_symptom"]
    assert services.handoff.queue() == []


def test_crisis_in_hours_offers_a_nurse(services):
    responses, events = run(ActionCrisis(), make_tracker("express_crisis"))
    assert responses == ["utter_crisis", "utter_offer_nurse"]
    assert events == [SlotSet("handoff_offer", "nurse")]


def test_crisis_out_of_hours(clock):
    clock.now = SATURDAY_2PM
    responses, events = run(ActionCrisis(), make_tracker("express_crisis"))
    assert responses == ["utter_crisis"]
    assert events == [SlotSet("handoff_offer", None)]


def test_safety_netting_after_the_answer_and_no_handoff(services):
    tracker = tracker_for("what should I do if I ever get chest pain", "ask_symptoms", urgent=0.3)
    responses, events = run(ActionSafetyAdvice(), tracker)
    assert responses == ["utter_safety_netting"] and events == [SlotSet("safety_advice", None)]
    assert services.handoff.queue() == []


def test_low_mood_gets_the_nurses_and_samaritans_as_an_option(services):
    responses, _ = run(ActionSafetyAdvice(), tracker_for("I've been feeling really low", "ask_coping", crisis=0.4))
    assert responses == ["utter_low_mood_support"]
    assert services.handoff.queue() == []


def test_safety_advice_says_nothing_without_a_graded_disposition():
    responses, _ = run(ActionSafetyAdvice(), tracker_for("what are the types", "ask_recurrence_types"))
    assert responses == []
    responses, _ = run(ActionSafetyAdvice(), make_tracker("ask_symptoms"))
    assert responses == []


@pytest.mark.parametrize("intent", ["ask_symptoms", "out_of_scope"])
def test_a_statement_right_after_the_crisis_reply_gets_that_support_again_not_an_answer(intent):
    """The fifth blind journeys: "everyone would manage fine without me" after the crisis reply got an entry."""
    from actions.answers import ActionAnswerFromContent
    from actions.fallback import ActionOutOfScope

    action = ActionAnswerFromContent() if intent == "ask_symptoms" else ActionOutOfScope()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(intent, text="nobody would even notice", events=events_after("utter_crisis"))
    assert action.run(dispatcher, tracker, {}) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_crisis"]


def test_a_question_right_after_the_crisis_reply_is_answered():
    from actions.answers import ActionAnswerFromContent

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "ask_symptoms", text="what are the signs it has spread?", events=events_after("utter_crisis")
    )
    ActionAnswerFromContent().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_content_answer"]


@pytest.mark.parametrize(
    "reply, expected", [("utter_crisis", "utter_crisis_nurse_declined"), ("utter_offer_nurse", "utter_anything_else")]
)
def test_no_to_the_nurse_offered_with_the_crisis_reply_gets_samaritans_again(reply, expected):
    from actions.handoff import ActionDeclineOffer

    dispatcher = CollectingDispatcher()
    tracker = make_tracker("deny", text="i dont know", slots={"handoff_offer": "nurse"}, events=events_after(reply))
    assert ActionDeclineOffer().run(dispatcher, tracker, {}) == [SlotSet("handoff_offer", None)]
    assert [m["response"] for m in dispatcher.messages] == [expected]
