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
    def name(self) -> str:
        return "action_opening_hours"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        utter_helpline_status(dispatcher, service_registry.get_services())
        return []
