"""Answers a recurrence question with the reviewed content entry that fits it."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services as service_registry
from actions.helpline import utter_helpline_status
from actions.services import Services
from bot.channels.common import Channel
from bot.content.questions import Question

logger = logging.getLogger(__name__)


def latest_entity(tracker: Tracker, name: str) -> Optional[str]:
    """The value of `name` in the latest user message, if the NLU found it there."""
    for entity in tracker.latest_message.get("entities", []) or []:
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def review_month(date: Any) -> str:
    return date.strftime("%B %Y")


def read_question(tracker: Tracker, services: Services) -> Question:
    """The latest message as a question, read against the answer given before it."""
    previous = services.content.entry(tracker.get_slot("last_content_id"))
    site = tracker.get_slot("body_site")
    return services.questions.read(
        tracker.latest_message,
        previous_topic=previous.topic if previous else None,
        previous_question=previous.question if previous else None,
        remembered_type=tracker.get_slot("recurrence_type"),
        remembered_site=site,
        site_topics=services.content.topics_about_site(site),
        previous_id=previous.id if previous else None,
        previous_overview=previous.overview if previous else False,
        previous_treatment=previous.treatment if previous else None,
    )


def answer_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, services: Services, question: Question
) -> List[EventType]:
    """Says the entry that answers `question`, with its review date."""
    answer = services.content.answer_question(question)
    events: List[EventType] = [SlotSet("failed_turns", 0.0)]
    if tracker.get_slot("handoff_offer") is not None:
        events.append(SlotSet("handoff_offer", None))
    if answer.recurrence_type != tracker.get_slot("recurrence_type") and answer.recurrence_type is not None:
        events.append(SlotSet("recurrence_type", answer.recurrence_type))
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
    if answer.entry.acknowledge:
        dispatcher.utter_message(response=f"utter_acknowledge_{answer.entry.acknowledge}")
    # SMS gets the short answer; the full one is kept by the channel for "MORE".
    more = {"sms_more": answer.web_answer} if tracker.get_latest_input_channel() == Channel.SMS else None
    dispatcher.utter_message(
        response="utter_content_answer",
        json_message=more,
        answer=answer.web_answer,
        sms_answer=answer.sms_answer,
        question=answer.entry.question,
        source=" and ".join(services.content.source_names(answer.entry)),
        last_reviewed=review_month(answer.entry.last_reviewed),
        content_id=answer.entry.id,  # in the message's metadata: channels ask "Was this helpful?" about it
    )
    events.append(SlotSet("last_content_id", answer.entry.id))
    return events


class ActionAnswerFromContent(Action):
    """One action for every `ask_*` intent: the intent names the topic, entities narrow it, words pick the entry."""

    def name(self) -> str:
        return "action_answer_from_content"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        from actions.fallback import offer_choices
        from actions.safety import repeat_advice_if_delaying, stay_with_crisis_support

        if repeat_advice_if_delaying(dispatcher, tracker):  # "should I wait and see?" after "call 999 now"
            return []
        if stay_with_crisis_support(dispatcher, tracker):
            return []
        services = service_registry.get_services()
        question = read_question(tracker, services)
        if question.topic is None:
            return offer_choices(dispatcher, tracker, services)
        return answer_question(dispatcher, tracker, services, question)
