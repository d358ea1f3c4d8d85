"""Actions for tests/bot/test_action_server.py: one that answers and one that fails quoting a person's words."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class ActionEcho(Action):
    def name(self) -> str:
        return "action_echo"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text="echo")
        return []


class ActionFail(Action):
    def name(self) -> str:
        return "action_fail"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        raise ValueError(f"could not handle {tracker.latest_message.get('text')!r}")
