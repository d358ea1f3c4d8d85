"""Graded safety replies: emergency, urgent and crisis at once; safety-netting and support after an answer.

The SafetyNet (bot/nlu/safety_net.py) puts the disposition into the parse result under `safety`;
these actions read it from the latest message. The wording is the domain's responses.
"""

from __future__ import annotations

from typing import Any, Collection, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services as service_registry
from actions.handoff import OFFER_SLOT, transcript
from bot.channels.common import Channel
from bot.handoff.models import Priority
from bot.models import Author
from bot.safety.delay import asks_to_delay
from bot.safety.disposition import (
    GRADE_RESPONSE,
    LOW_MOOD,
    SAFETY_KEY,
    SAFETY_NETTING,
    Disposition,
    nurse_reason,
    safety_reply,
)

NURSE_ASKED = "utter_urgent_nurse_asked"
CRISIS_RESPONSE = "utter_crisis"
CRISIS_DECLINED = "utter_crisis_nurse_declined"
ADVICE_SLOT = "safety_advice"  # set from the SafetyNet's entity; cleared once the line is said
ADVICE_RESPONSE = {SAFETY_NETTING: "utter_safety_netting", LOW_MOOD: "utter_low_mood_support"}
# "how long should I leave it" after "if you have symptoms like these now, call NHS 111" gets that line again.
REPEATED_IF_DELAYING = (*GRADE_RESPONSE.values(), ADVICE_RESPONSE[SAFETY_NETTING])


def safety_reply_just_given(
    tracker: Tracker, replies: Collection[str] = tuple(GRADE_RESPONSE.values())
) -> Optional[str]:
    """The emergency, urgent or crisis reply (or another of `replies`) given to the message before the latest one."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                return None
        elif users == 1 and event.get("event") == "bot":
            name = (event.get("metadata") or {}).get("utter_action")
            if name in replies:
                return str(name)
    return None


def repeat_advice_if_delaying(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Right after emergency, urgent, crisis or safety-netting advice, "should I wait and see?" gets it again."""
    advice = safety_reply_just_given(tracker, REPEATED_IF_DELAYING)
    if advice is None or not asks_to_delay((tracker.latest_message or {}).get("text") or ""):
        return False
    dispatcher.utter_message(response=advice)
    return True


def stay_with_crisis_support(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Right after the crisis reply, a message that asks nothing gets that support again, never a medical answer.

    A blind journey: "everyone would manage fine without me", straight after Samaritans' number, got an
    entry about scans.
    """
    if safety_reply_just_given(tracker, (CRISIS_RESPONSE,)) is None:
        return False
    if service_registry.get_services().questions.opens_a_question((tracker.latest_message or {}).get("text") or ""):
        return False
    dispatcher.utter_message(response=CRISIS_RESPONSE)
    return True


def disposition_of(tracker: Tracker) -> Optional[Disposition]:
    return Disposition.from_dict((tracker.latest_message or {}).get(SAFETY_KEY))


class ActionUrgentSymptom(Action):
    """Emergency (999 / A&E) or urgent (acute oncology / NHS 111) advice first, whatever the hour.

    In opening hours an urgent handoff opens too. Its reason names the grade and the red flag, and
    its transcript ends with the advice the person was given.
    """

    def name(self) -> str:
        return "action_urgent_symptom"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        disposition = disposition_of(tracker)
        if disposition is not None and not disposition.urgent_route:
            disposition = None  # "/report_urgent_symptom" from a button, or an old tracker: the urgent route
        advice = safety_reply(disposition)
        dispatcher.utter_message(response=advice)
        services = service_registry.get_services()
        if services.accepts_handoffs(services.now()):
            said: List[Tuple[str, str]] = [
                (Author.BOT, services.wording.text(advice)),
                (Author.BOT, services.wording.text(NURSE_ASKED)),
            ]
            services.handoff.request(
                tracker.sender_id,
                tracker.get_latest_input_channel() or Channel.REST,
                nurse_reason(disposition, services.wording),
                priority=Priority.URGENT,
                transcript=transcript(tracker, services) + said,
            )
            dispatcher.utter_message(response=NURSE_ASKED)
        return [SlotSet(OFFER_SLOT, None)]


class ActionCrisis(Action):
    """Samaritans and 999 at once, no probing questions; in hours, the offer of a nurse."""

    def name(self) -> str:
        return "action_crisis"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        dispatcher.utter_message(response=CRISIS_RESPONSE)
        services = service_registry.get_services()
        if services.accepts_handoffs(services.now()):
            dispatcher.utter_message(response="utter_offer_nurse")
            return [SlotSet(OFFER_SLOT, "nurse")]
        return [SlotSet(OFFER_SLOT, None)]


class ActionSafetyAdvice(Action):
    """After the information asked for: the safety-netting line, or for low mood the nurses and Samaritans.

    Never 999 or A&E, and never an urgent handoff: these are the graded routes below urgent.
    """

    def name(self) -> str:
        return "action_safety_advice"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        disposition = disposition_of(tracker)
        response = ADVICE_RESPONSE.get(disposition.grade) if disposition is not None else None
        if response is not None:
            dispatcher.utter_message(response=response)
        return [SlotSet(ADVICE_SLOT, None)]


class ActionGoodbye(Action):
    """Goodbye, except to a question, or to asking to wait after urgent advice ("can this wait till tomorrow")."""

    def name(self) -> str:
        return "action_goodbye"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        from actions.fallback import ActionClarify

        if repeat_advice_if_delaying(dispatcher, tracker):
            return []
        text = (tracker.latest_message or {}).get("text") or ""
        if service_registry.get_services().questions.opens_a_question(text):
            # "how long have I got" was classed as goodbye: a question is never answered with "take care".
            return ActionClarify().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_goodbye")
        return []
