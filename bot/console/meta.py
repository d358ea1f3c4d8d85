"""The console page's words for stored names, its outcomes and its limits: GET /api/meta, so the page copies none.

The keys are the values the API returns: each input channel's `name()` (as Rasa records it: bot/channels/common.py's
Channel), bot/models.py's Author and bot/handoff/models.py's State, Priority, Role and Availability;
tests/bot/console/test_meta.py checks that each table covers them all, so a new state or channel cannot reach the page
without words.
"""

from __future__ import annotations

from typing import Any, Dict

from bot.channels.common import Channel
from bot.handoff.models import Availability, Priority, Role, State
from bot.handoff.nurses import MIN_PASSWORD
from bot.limits import (
    MAX_NOTE_CHARS,
    MAX_OUTCOME_NOTE_CHARS,
    MAX_PAUSE_MESSAGE_CHARS,
    MAX_REPLY_CHARS,
    TYPING_EVERY_SECONDS,
    TYPING_SHOWN_SECONDS,
)
from bot.models import Author

CHANNEL_NAMES = {Channel.WEBCHAT: "Web chat", Channel.SMS: "Text message", Channel.REST: "REST API"}
STATE_NAMES = {
    State.WAITING: "Waiting for a nurse",
    State.CLAIMED: "Claimed by a nurse",
    State.RETURNED: "Handed back to the bot",
    State.CLOSED: "Closed",
    State.CANCELLED: "The person left",
    State.ABANDONED: "The person went away while waiting",
}
AUTHOR_NAMES = {Author.PERSON: "Person", Author.BOT: "Bot", Author.NURSE: "Nurse", Author.SYSTEM: "System"}
PRIORITY_NAMES = {Priority.NORMAL: "Normal", Priority.URGENT: "Urgent"}
AVAILABILITY_NAMES = {
    Availability.AVAILABLE: "Available",
    Availability.AWAY: "Away",
}  # a nurse's choice: alerted, or not
ROLE_NAMES = {
    Role.NURSE: "Nurse",
    Role.ADMIN: "Administrator",
}  # in the order the page offers them; the first is the default
# The outcomes a nurse chooses from when closing, in the order offered, and the search offers. Stored as written, with
# the closing note apart (handoffs.closing_note); the page asks for a note with the one that needs it.
OUTCOMES = (
    "Information and support given",
    "Advised to contact their breast care nurse or GP",
    "Advised to seek urgent medical help",
    "Signposted to emergency services",
    "Call back arranged",
    "Person left the chat",
    "Other",
)
OUTCOME_NEEDING_NOTE = "Other"
# The page's names for the limits it shows or sets as a field's maxlength (index.html's data-limit, data-max-length).
LIMITS = {
    "reply": MAX_REPLY_CHARS,
    "outcome_note": MAX_OUTCOME_NOTE_CHARS,
    "note": MAX_NOTE_CHARS,
    "pause_message": MAX_PAUSE_MESSAGE_CHARS,
    "password_min": MIN_PASSWORD,
}


def page_meta() -> Dict[str, Any]:
    return {
        "channels": CHANNEL_NAMES,
        "states": STATE_NAMES,
        "authors": AUTHOR_NAMES,
        "priorities": PRIORITY_NAMES,
        "roles": ROLE_NAMES,
        "availability": AVAILABILITY_NAMES,
        "outcomes": [{"text": outcome, "needs_note": outcome == OUTCOME_NEEDING_NOTE} for outcome in OUTCOMES],
        "limits": LIMITS,
        "typing": {"every_seconds": TYPING_EVERY_SECONDS, "shown_seconds": TYPING_SHOWN_SECONDS},
    }
