"""Asking for a nurse: join the queue in opening hours, or leave a message when closed."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services as service_registry
from actions.helpline import utter_helpline_status
from actions.services import Services
from bot.channels.common import Channel
from bot.handoff.left_messages import LeftMessages
from bot.handoff.models import Kind, Priority, State
from bot.handoff.notices import wait_minutes
from bot.handoff.queue_notices import QueueNotices
from bot.handoff.timing import JourneyTimes
from bot.hours import describe_next_opening
from bot.transcripts import spoken_turns

TRANSCRIPT_TURNS = 50
REASON_ASKED = "asked for a nurse"
REASON_NOT_HELPED = "the assistant could not help"
REASON_AFTER_CRISIS = "crisis: accepted a nurse after the crisis reply (Samaritans, 999)"
OFFER_SLOT = "handoff_offer"
CRISIS_RESPONSE = "utter_crisis"


def transcript(
    tracker: Tracker, services: Services, events: Optional[List[Dict[str, Any]]] = None
) -> list[tuple[str, str]]:
    """The conversation so far (or up to the end of `events`), as the nurse should see it: (person|bot, text).

    Rasa sends only a window of a long conversation; earlier turns come from the tracker store.
    """
    turns = spoken_turns(tracker.events if events is None else events)
    if len(turns) < TRANSCRIPT_TURNS:
        oldest = min((e["timestamp"] for e in tracker.events if e.get("timestamp")), default=None)
        if oldest is not None:
            turns = services.transcripts.turns_before(tracker.sender_id, oldest, TRANSCRIPT_TURNS - len(turns)) + turns
    return turns[-TRANSCRIPT_TURNS:]


def offered_with_crisis_reply(tracker: Tracker) -> bool:
    """Whether the bot's turn just before this message gave the crisis reply, with which a nurse is offered."""
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest:
                return False
            seen_latest = True
        elif seen_latest and event.get("event") == "bot":
            if (event.get("metadata") or {}).get("utter_action") == CRISIS_RESPONSE:
                return True
    return False


def request_nurse(
    dispatcher: CollectingDispatcher, tracker: Tracker, services: Services, reason: str, priority: str = Priority.NORMAL
) -> List[EventType]:
    """Queues the person when new handoffs are accepted; otherwise says when and offers a message.

    Someone whose message left earlier is still open is told where it stands, never that they are
    chatting with a nurse: a nurse holding it replies to it; one nobody holds yet becomes a live chat.
    """
    now = services.now()
    pause = services.pause.current() if services.hours.is_open(now) else None  # read once, for both uses below
    accepting = pause is None and services.hours.accepts_handoffs(now)
    left = LeftMessages(services.handoff).open_for(tracker.sender_id)
    if left is not None and left.kind == Kind.MESSAGE and (left.state == State.CLAIMED or not accepting):
        return _left_message_status(dispatcher, services, left)
    if accepting:
        placed = services.handoff.request(
            tracker.sender_id,
            tracker.get_latest_input_channel() or Channel.REST,
            reason,
            priority=priority,
            transcript=transcript(tracker, services),
        )
        if placed.handoff.state == State.CLAIMED:
            dispatcher.utter_message(response="utter_handoff_already_with_nurse")
        else:
            minutes = wait_minutes(placed.estimated_wait)
            dispatcher.utter_message(response="utter_handoff_queued", position=placed.position, minutes=minutes)
            QueueNotices(services.handoff, services.wording, JourneyTimes()).remember(
                placed.handoff.id, placed.position
            )
        return [SlotSet(OFFER_SLOT, None)]
    if pause is not None:
        dispatcher.utter_message(response="utter_handoffs_paused", message=pause.message)
    elif services.hours.is_open(now):
        dispatcher.utter_message(response="utter_handoff_closing_soon")
    utter_helpline_status(dispatcher, services)  # closed: "Our nurses aren't available right now…"
    dispatcher.utter_message(response="utter_offer_leave_message")
    return [SlotSet(OFFER_SLOT, "leave_message")]


def _left_message_status(dispatcher: CollectingDispatcher, services: Services, left: Any) -> List[EventType]:
    if left.state == State.CLAIMED:
        dispatcher.utter_message(response="utter_left_message_with_nurse", nurse=left.claimed_by_name)
    else:
        dispatcher.utter_message(response="utter_left_message_pending")
        utter_reply_after(dispatcher, services)
    return [SlotSet(OFFER_SLOT, None)]


def utter_reply_after(dispatcher: CollectingDispatcher, services: Services) -> None:
    """ "A nurse will reply after 9am tomorrow; you'll see it here" (by SMS "…; we'll text you"), from the hours."""
    nxt = describe_next_opening(services.hours, services.now())
    dispatcher.utter_message(
        response=f"utter_left_message_reply_{nxt.when}", time=nxt.time, weekday=nxt.weekday, date=nxt.date
    )


def offer_more_help(dispatcher: CollectingDispatcher, services: Services) -> List[EventType]:
    """After the bot has failed twice: offer a nurse now, or a message for when the helpline opens."""
    dispatcher.utter_message(response="utter_offer_helpline")
    if services.accepts_handoffs(services.now()):
        dispatcher.utter_message(response="utter_offer_nurse")
        return [SlotSet(OFFER_SLOT, "nurse")]
    utter_helpline_status(dispatcher, services)
    dispatcher.utter_message(response="utter_offer_leave_message")
    return [SlotSet(OFFER_SLOT, "leave_message")]


class ActionRequestNurse(Action):
    def name(self) -> str:
        return "action_request_nurse"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        services = service_registry.get_services()
        if tracker.get_slot(OFFER_SLOT) == "nurse" and offered_with_crisis_reply(tracker):
            # Someone in crisis who says yes to a nurse waits at the top of the queue, not in line.
            return request_nurse(dispatcher, tracker, services, REASON_AFTER_CRISIS, priority=Priority.URGENT)
        reason = REASON_NOT_HELPED if tracker.get_slot(OFFER_SLOT) == "nurse" else REASON_ASKED
        return request_nurse(dispatcher, tracker, services, reason)


class ActionDeclineOffer(Action):
    def name(self) -> str:
        return "action_decline_offer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        from actions.safety import CRISIS_DECLINED, CRISIS_RESPONSE, safety_reply_just_given

        # "No" (or "i dont know") to a nurse offered with the crisis reply: Samaritans again, not "just ask".
        crisis = safety_reply_just_given(tracker, (CRISIS_RESPONSE,)) is not None
        dispatcher.utter_message(response=CRISIS_DECLINED if crisis else "utter_anything_else")
        return [SlotSet(OFFER_SLOT, None)]
