"""Starts each conversation with the one-time "information, not a diagnosis" notice."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted
from rasa_sdk.executor import CollectingDispatcher

from actions import services as service_registry
from actions.helpline import utter_helpline_status


class ActionSessionStart(Action):
    """A new session starts clean: no slots carried over, so nothing personal lingers."""

    def name(self) -> str:
        return "action_session_start"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_disclaimer")
        return [SessionStarted(), ActionExecuted("action_listen")]


class ActionOpeningHours(Action):
    """The helpline's hours and number; not to "ok ringing now" straight after advice to call someone now."""

    def name(self) -> str:
        return "action_opening_hours"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        from actions.safety import REPEATED_IF_DELAYING, repeat_advice_if_delaying, safety_reply_just_given

        if repeat_advice_if_delaying(dispatcher, tracker):  # "can this wait till the morning?"
            return []
        services = service_registry.get_services()
        text = (tracker.latest_message or {}).get("text") or ""
        just_advised = safety_reply_just_given(tracker, REPEATED_IF_DELAYING) is not None
        if just_advised and not services.questions.opens_a_question(text):
            # They are calling as advised (a blind journey got the helpline's number here): no other number now.
            dispatcher.utter_message(response="utter_goodbye")
            return []
        utter_helpline_status(dispatcher, services)
        return []
