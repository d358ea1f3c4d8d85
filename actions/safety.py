"""Urgent symptoms and crisis: the safe reply at once, then a nurse when the helpline allows."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services as service_registry
from actions.handoff import OFFER_SLOT, transcript

REASON_URGENT = "possible red-flag symptom"


class ActionUrgentSymptom(Action):
    """999 / A&E / acute oncology / NHS 111 first, whatever the hour; in hours an urgent handoff too."""

    def name(self) -> str:
        return "action_urgent_symptom"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_urgent_symptom")
        services = service_registry.get_services()
        if services.hours.accepts_handoffs(services.now()):
            services.handoff.request(
                tracker.sender_id,
                tracker.get_latest_input_channel() or "rest",
                REASON_URGENT,
                priority="urgent",
                transcript=transcript(tracker, services),
            )
            dispatcher.utter_message(response="utter_urgent_nurse_asked")
        return [SlotSet(OFFER_SLOT, None)]


class ActionCrisis(Action):
    """Samaritans and 999 at once, no probing questions; in hours, the offer of a nurse."""

    def name(self) -> str:
        return "action_crisis"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_crisis")
        services = service_registry.get_services()
        if services.hours.accepts_handoffs(services.now()):
            dispatcher.utter_message(response="utter_offer_nurse")
            return [SlotSet(OFFER_SLOT, "nurse")]
        return [SlotSet(OFFER_SLOT, None)]
