"""Asking for a nurse: join the queue in opening hours, or leave a message when closed."""

from __future__ import annotations

import math
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services as service_registry
from actions.helpline import utter_helpline_status
from actions.services import Services

TRANSCRIPT_TURNS = 50
REASON_ASKED = "asked for a nurse"
REASON_NOT_HELPED = "the assistant could not help"
OFFER_SLOT = "handoff_offer"


def transcript(tracker: Tracker, services: Services) -> list[tuple[str, str]]:
    """The conversation so far, as the nurse should see it: (person|bot, text).

    Rasa sends only a window of a long conversation; earlier turns come from the tracker store.
    """
    said = [e for e in tracker.events if e.get("event") in ("user", "bot") and e.get("text")]
    turns = [("person" if e["event"] == "user" else "bot", e["text"]) for e in said]
    if len(turns) < TRANSCRIPT_TURNS:
        oldest = min((e["timestamp"] for e in tracker.events if e.get("timestamp")), default=None)
        if oldest is not None:
            turns = services.transcripts.turns_before(tracker.sender_id, oldest, TRANSCRIPT_TURNS - len(turns)) + turns
    return turns[-TRANSCRIPT_TURNS:]


def request_nurse(
    dispatcher: CollectingDispatcher, tracker: Tracker, services: Services, reason: str
) -> List[EventType]:
    """Queues the person when new handoffs are accepted; otherwise says when and offers a message."""
    now = services.now()
    if services.hours.accepts_handoffs(now):
        placed = services.handoff.request(
            tracker.sender_id,
            tracker.get_latest_input_channel() or "rest",
            reason,
            transcript=transcript(tracker, services),
        )
        minutes = max(1, math.ceil(placed.estimated_wait.total_seconds() / 60))
        if placed.handoff.state == "claimed":
            dispatcher.utter_message(response="utter_handoff_already_with_nurse")
        else:
            dispatcher.utter_message(response="utter_handoff_queued", position=placed.position, minutes=minutes)
        return [SlotSet(OFFER_SLOT, None)]
    if services.hours.is_open(now):
        dispatcher.utter_message(response="utter_handoff_closing_soon")
    utter_helpline_status(dispatcher, services)  # closed: "Our nurses aren't available right now…"
    dispatcher.utter_message(response="utter_offer_leave_message")
    return [SlotSet(OFFER_SLOT, "leave_message")]


def offer_more_help(dispatcher: CollectingDispatcher, services: Services) -> List[EventType]:
    """After the bot has failed twice: offer a nurse now, or a message for when the helpline opens."""
    dispatcher.utter_message(response="utter_offer_helpline")
    if services.hours.accepts_handoffs(services.now()):
        dispatcher.utter_message(response="utter_offer_nurse")
        return [SlotSet(OFFER_SLOT, "nurse")]
    utter_helpline_status(dispatcher, services)
    dispatcher.utter_message(response="utter_offer_leave_message")
    return [SlotSet(OFFER_SLOT, "leave_message")]


class ActionRequestNurse(Action):
    def name(self) -> str:
        return "action_request_nurse"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        reason = REASON_NOT_HELPED if tracker.get_slot(OFFER_SLOT) == "nurse" else REASON_ASKED
        return request_nurse(dispatcher, tracker, service_registry.get_services(), reason)


class ActionSubmitLeftMessage(Action):
    """Stores the message the leave_message_form collected, for the nurses to see first."""

    def name(self) -> str:
        return "action_submit_left_message"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        text = (tracker.get_slot("left_message") or "").strip()
        if text:
            service_registry.get_services().handoff.leave_message(
                tracker.sender_id, tracker.get_latest_input_channel() or "rest", text
            )
            dispatcher.utter_message(response="utter_left_message_saved")
        return [SlotSet("left_message", None), SlotSet(OFFER_SLOT, None)]


class ActionDeclineOffer(Action):
    def name(self) -> str:
        return "action_decline_offer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet(OFFER_SLOT, None)]
