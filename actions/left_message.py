"""Leaving a message for the nurses out of hours, without losing a word of it.

leave_message_form asks for the message. A safety reply (data/rules/safety.yml) may interrupt it: the
message that set it off is not taken as the form's answer, so the safety rule runs first. When the form
resumes after that reply, `validate_leave_message_form` completes it with what the person wrote, so the
message is saved at once, before anything else they type. The saved message is everything written since
the form started; the nurse also sees the conversation before it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services as service_registry
from actions.handoff import OFFER_SLOT, transcript, utter_reply_after
from bot.channels.common import Channel
from bot.handoff.left_messages import LeftMessages
from bot.handoff.models import Kind, Priority
from bot.models import Author
from bot.safety.disposition import GRADE_RESPONSE

FORM = "leave_message_form"
SLOT = "left_message"
SHORT_QUOTE = 120  # characters of the message quoted back by SMS, where each segment costs


def _form_started(events: List[Dict[str, Any]]) -> Optional[int]:
    """Index of the latest activation of the form in `events`, if any."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") == "active_loop" and event.get("name") == FORM:
            return index
    return None


def written_since_start(events: List[Dict[str, Any]]) -> List[tuple[str, str]]:
    """What the person wrote since the form started, and what the bot said meanwhile (a safety reply)."""
    start = _form_started(events)
    if start is None:
        return []
    turns: List[Tuple[str, str]] = []
    for event in events[start + 1 :]:
        text = (event.get("text") or "").strip()
        if not text or event.get("event") not in ("user", "bot"):
            continue
        if event["event"] == "user" and text.startswith("/"):
            continue  # a button's payload, not words
        turns.append((Author.PERSON if event["event"] == "user" else Author.BOT, text))
    return turns


def safety_advice_given(events: List[Dict[str, Any]]) -> bool:
    """Whether emergency, urgent or crisis advice interrupted the message: then it goes to the nurses as urgent."""
    start = _form_started(events)
    if start is None:
        return False
    said = [(e.get("metadata") or {}).get("utter_action") for e in events[start + 1 :] if e.get("event") == "bot"]
    return any(name in GRADE_RESPONSE.values() for name in said)


def _action_before_form(events: List[Dict[str, Any]]) -> Optional[str]:
    """The action that ran before this run of the form (the validation's tracker ends with the form's own run)."""
    actions = [e.get("name") for e in events if e.get("event") == "action"]
    if actions and actions[-1] == FORM:
        actions = actions[:-1]
    return actions[-1] if actions else None


def quote(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


class ValidateLeaveMessageForm(Action):
    """Fills the message with everything written since the form started.

    After the person's reply (the form runs after action_listen), only when the form's own slot mapping
    took it: a red flag or crisis words are left for the safety rule. When the form resumes after that
    interruption, the message that set it off completes the form.
    """

    def name(self) -> str:
        return f"validate_{FORM}"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        written = [text for author, text in written_since_start(tracker.events) if author == Author.PERSON]
        if not written:
            return []
        if _action_before_form(tracker.events) == "action_listen" and not tracker.get_slot(SLOT):
            return []  # not taken by the slot mapping (a safety intent): the form rejects, the safety rule runs
        return [SlotSet(SLOT, "\n".join(written))]


class ActionSubmitLeftMessage(Action):
    """Saves the message for the nurses and says what was saved and when a nurse will reply."""

    def name(self) -> str:
        return "action_submit_left_message"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        services = service_registry.get_services()
        events = list(tracker.events)
        start = _form_started(events)
        written = written_since_start(events)
        if not any(author == Author.PERSON for author, _ in written):
            slot = (tracker.get_slot(SLOT) or "").strip()
            written = [(Author.PERSON, slot)] if slot else []
        if not written:
            return [SlotSet(SLOT, None), SlotSet(OFFER_SLOT, None)]
        before = events[:start] if start is not None else events
        context = transcript(tracker, services, before)
        channel = tracker.get_latest_input_channel() or Channel.REST
        priority = Priority.URGENT if safety_advice_given(events) else Priority.NORMAL
        left = LeftMessages(services.handoff).leave(tracker.sender_id, channel, context, written, priority)
        dispatcher.utter_message(
            response="utter_left_message_saved", message=left.text, message_short=quote(left.text, SHORT_QUOTE)
        )
        if left.handoff.kind == Kind.MESSAGE:
            utter_reply_after(dispatcher, services)
        return [SlotSet(SLOT, None), SlotSet(OFFER_SLOT, None)]
