"""Answers a recurrence question with the reviewed content entry that fits it."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services as service_registry
from actions.helpline import utter_helpline_status
from bot.content.service import topic_for_intent

logger = logging.getLogger(__name__)
SMS_CHANNEL = "twilio"


def latest_entity(tracker: Tracker, name: str) -> Optional[str]:
    """The value of `name` in the latest user message, if the NLU found it there."""
    for entity in tracker.latest_message.get("entities", []) or []:
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def review_month(date: Any) -> str:
    return date.strftime("%B %Y")


class ActionAnswerFromContent(Action):
    """One action for every `ask_*` intent: the intent names the topic, entities narrow it."""

    def name(self) -> str:
        return "action_answer_from_content"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        services = service_registry.get_services()
        topic = topic_for_intent(tracker.get_intent_of_latest_message())
        if topic is None:
            dispatcher.utter_message(response="utter_content_unavailable")
            utter_helpline_status(dispatcher, services)
            return []
        # A type named now wins; otherwise the one already in the conversation
        # ("and what about the treatment for that?").
        recurrence_type = latest_entity(tracker, "recurrence_type")
        body_site = latest_entity(tracker, "body_site")
        if recurrence_type is None and body_site is not None:
            recurrence_type = services.content.recurrence_type_for_site(body_site)
        if recurrence_type is None:
            recurrence_type = tracker.get_slot("recurrence_type")
        answer = services.content.answer(
            topic, recurrence_type=recurrence_type, treatment=latest_entity(tracker, "treatment")
        )
        events: List[EventType] = [SlotSet("failed_turns", 0.0)]
        if tracker.get_slot("handoff_offer") is not None:
            events.append(SlotSet("handoff_offer", None))
        if recurrence_type != tracker.get_slot("recurrence_type"):
            events.append(SlotSet("recurrence_type", recurrence_type))
        if answer.entry is None:
            dispatcher.utter_message(response="utter_content_unavailable")
            utter_helpline_status(dispatcher, services)
            return events
        if answer.withheld:
            logger.info("withheld overdue content entry %s", answer.entry.id)
            dispatcher.utter_message(response="utter_content_withheld")
            utter_helpline_status(dispatcher, services)
            return events
        logger.info("answered with content entry %s (overdue=%s)", answer.entry.id, answer.overdue)
        # SMS gets the short answer; the full one is kept by the channel for "MORE".
        more = {"sms_more": answer.entry.web_answer} if tracker.get_latest_input_channel() == SMS_CHANNEL else None
        dispatcher.utter_message(
            response="utter_content_answer",
            json_message=more,
            answer=answer.entry.web_answer,
            sms_answer=answer.entry.sms_answer,
            last_reviewed=review_month(answer.entry.last_reviewed),
        )
        events.append(SlotSet("last_content_id", answer.entry.id))
        return events
