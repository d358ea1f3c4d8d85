"""What the bot does when it has not understood: clarify, then offer the helpline."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services as service_registry
from actions.handoff import offer_more_help
from bot.content.service import topic_for_intent

MAX_FAILED_TURNS = 2
MAX_CHOICES = 3
DEFAULT_TOPICS = ("what_is_recurrence", "symptoms", "treatment")


def _failed_turns(tracker: Tracker) -> int:
    return int(tracker.get_slot("failed_turns") or 0) + 1


def _offer_helpline(dispatcher: CollectingDispatcher, failed: int) -> List[EventType]:
    return [SlotSet("failed_turns", float(failed)), *offer_more_help(dispatcher, service_registry.get_services())]


class ActionClarify(Action):
    """Asks which topic was meant, with the likeliest topics as buttons."""

    def name(self) -> str:
        return "action_clarify"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        failed = _failed_turns(tracker)
        if failed >= MAX_FAILED_TURNS:
            return _offer_helpline(dispatcher, failed)
        ranking = tracker.latest_message.get("intent_ranking", []) or []
        topics = [t for t in (topic_for_intent(r.get("name")) for r in ranking) if t][:MAX_CHOICES]
        if not topics:
            topics = list(DEFAULT_TOPICS)
        entities = {
            e["entity"]: e["value"]
            for e in tracker.latest_message.get("entities", []) or []
            if e.get("entity") in ("recurrence_type", "body_site", "treatment")
        }
        titles = service_registry.get_services().content.topic_titles()
        suffix = json.dumps(entities) if entities else ""
        buttons = [{"title": titles.get(t, t), "payload": f"/ask_{t}{suffix}"} for t in topics]
        dispatcher.utter_message(response="utter_clarify", buttons=buttons)
        return [SlotSet("failed_turns", float(failed))]


class ActionOutOfScope(Action):
    """Says what the bot can help with; after repeated misses, points to the nurses."""

    def name(self) -> str:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        failed = _failed_turns(tracker)
        if failed >= MAX_FAILED_TURNS:
            return _offer_helpline(dispatcher, failed)
        dispatcher.utter_message(response="utter_out_of_scope")
        return [SlotSet("failed_turns", float(failed))]
