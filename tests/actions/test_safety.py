"""Urgent symptoms and crisis: the safe reply always; an urgent handoff or a nurse offer in hours."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ActionCrisis, ActionUrgentSymptom
from tests.actions.conftest import SATURDAY_2PM, make_tracker


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, {})
    return [m["response"] for m in dispatcher.messages], events


def test_urgent_in_hours_replies_then_queues_an_urgent_handoff_first(services):
    services.handoff.request("someone-else", "rest", "asked for a nurse")
    responses, _ = run(ActionUrgentSymptom(), make_tracker("report_urgent_symptom", text="my legs have gone numb"))
    assert responses == ["utter_urgent_symptom", "utter_urgent_nurse_asked"]
    queue = services.handoff.queue()
    assert queue[0].handoff.conversation_id == "test-user" and queue[0].handoff.priority == "urgent"


def test_urgent_out_of_hours_still_gets_the_urgent_route(services, clock):
    clock["now"] = SATURDAY_2PM
    responses, _ = run(ActionUrgentSymptom(), make_tracker("report_urgent_symptom"))
    assert responses == ["utter_urgent_symptom"]
    assert services.handoff.queue() == []


def test_crisis_in_hours_offers_a_nurse(services):
    responses, events = run(ActionCrisis(), make_tracker("express_crisis"))
    assert responses == ["utter_crisis", "utter_offer_nurse"]
    assert events == [SlotSet("handoff_offer", "nurse")]


def test_crisis_out_of_hours(clock):
    clock["now"] = SATURDAY_2PM
    responses, events = run(ActionCrisis(), make_tracker("express_crisis"))
    assert responses == ["utter_crisis"]
    assert events == [SlotSet("handoff_offer", None)]
