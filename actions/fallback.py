"""What the bot does when it has not understood: clarify, then offer the helpline."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services as service_registry
from actions.answers import answer_question, latest_entity, read_question
from actions.handoff import offer_more_help
from actions.helpline import utter_helpline_status
from actions.safety import safety_reply_just_given, stay_with_crisis_support
from actions.services import Services
from bot.intents import FALLBACK_INTENT

MAX_FAILED_TURNS = 2
MAX_CHOICES = 3
# Below this the classifier is guessing: such topics are not offered.
MIN_CHOICE_CONFIDENCE = 0.05
DEFAULT_TOPICS = ("what_is_recurrence", "symptoms", "treatment")
IGNORED_IN_RANKING = (FALLBACK_INTENT,)
# Always offered after the topics: (response holding the button's title, payload).
ALWAYS_OFFERED = (("utter_button_something_else", "/affirm"), ("utter_button_talk_to_nurse", "/request_nurse"))


def _failed_turns(tracker: Tracker) -> int:
    return int(tracker.get_slot("failed_turns") or 0) + 1


def _offer_helpline(dispatcher: CollectingDispatcher, failed: int) -> List[EventType]:
    return [SlotSet("failed_turns", float(failed)), *offer_more_help(dispatcher, service_registry.get_services())]


def likely_topics(tracker: Tracker, services: Services) -> list[str]:
    """The topics the classifier ranked highest, in order, stopping at the first intent that is not a topic.

    So no topic is ever offered that was ranked below one that was left out.
    """
    topics: list[str] = []
    for item in tracker.latest_message.get("intent_ranking", []) or []:
        if item.get("name") in IGNORED_IN_RANKING:
            continue
        topic = services.questions.topic_for_intent(item.get("name"))
        if topic is None or float(item.get("confidence") or 0.0) < MIN_CHOICE_CONFIDENCE:
            break
        topics.append(topic)
        if len(topics) == MAX_CHOICES:
            break
    return topics or list(DEFAULT_TOPICS)


def offer_choices(dispatcher: CollectingDispatcher, tracker: Tracker, services: Services) -> List[EventType]:
    """Asks which topic was meant, with the likeliest topics, "Something else" and "Talk to a nurse"."""
    failed = _failed_turns(tracker)
    if failed >= MAX_FAILED_TURNS:
        return _offer_helpline(dispatcher, failed)
    entities = {
        e["entity"]: e["value"]
        for e in tracker.latest_message.get("entities", []) or []
        if e.get("entity") in ("recurrence_type", "body_site", "treatment")
    }
    titles = services.content.topic_titles()
    suffix = json.dumps(entities) if entities else ""
    buttons = [{"title": titles.get(t, t), "payload": f"/ask_{t}{suffix}"} for t in likely_topics(tracker, services)]
    buttons += [{"title": services.wording.text(name), "payload": payload} for name, payload in ALWAYS_OFFERED]
    dispatcher.utter_message(response="utter_clarify", buttons=buttons)
    # "Something else" is a plain yes: it must not accept an earlier offer of a nurse.
    return [SlotSet("failed_turns", float(failed)), SlotSet("handoff_offer", None)]


class ActionClarify(Action):
    """Asks which topic was meant; a follow-up to the last answer is answered instead."""

    def name(self) -> str:
        return "action_clarify"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        advice = safety_reply_just_given(tracker)
        if advice is not None:  # "should I wait and see?" after "call 999 now": the advice again, not a menu
            dispatcher.utter_message(response=advice)
            return []
        services = service_registry.get_services()
        question = read_question(tracker, services)
        if question.follow_up or services.content.is_sure(services.content.answer_question(question)):
            return answer_question(dispatcher, tracker, services, question)
        return offer_choices(dispatcher, tracker, services)


class ActionOutOfScope(Action):
    """Says what the bot can help with; about another cancer, says so; after repeated misses, points to the nurses."""

    def name(self) -> str:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        if stay_with_crisis_support(dispatcher, tracker):
            return []
        services = service_registry.get_services()
        if latest_entity(tracker, "other_cancer"):
            dispatcher.utter_message(response="utter_other_cancer")
            utter_helpline_status(dispatcher, services)
            return []
        question = read_question(tracker, services)
        if question.follow_up:
            return answer_question(dispatcher, tracker, services, question)
        failed = _failed_turns(tracker)
        if failed >= MAX_FAILED_TURNS:
            return _offer_helpline(dispatcher, failed)
        dispatcher.utter_message(response="utter_out_of_scope")
        return [SlotSet("failed_turns", float(failed))]
