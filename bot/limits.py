"""The bounds on what a person or a nurse can send, in one place; channels and console check them (README "Security").

A message longer than MAX_MESSAGE_CHARS is refused before the gate, the NLU or any store sees
it, and the person is told so (`utter_message_too_long` in domain.yml). 4,000 characters is
about 700 words: far more than anyone types into a chat or an SMS (Twilio joins at most 1,600),
and the same bound as a nurse's reply in the console.
"""

from __future__ import annotations

MAX_MESSAGE_CHARS = 4000
TOO_LONG_RESPONSE = "utter_message_too_long"

# What a nurse sends from the console (bot/console; the handoff service checks them again). A reply has the same
# bound as a person's message. GET /api/meta gives the page these, so console.js copies none of them.
MAX_REPLY_CHARS = MAX_MESSAGE_CHARS
MAX_OUTCOME_CHARS = 500
# The closing note a nurse adds to the outcome chosen from a list, stored apart from it (handoffs.closing_note).
MAX_OUTCOME_NOTE_CHARS = 300
# An internal note, for nurses only, and the note that goes with a transfer to a colleague or back to the queue.
MAX_NOTE_CHARS = 2000
MAX_PAUSE_MESSAGE_CHARS = 300  # what people who ask for a nurse are told while an admin has paused new chats
MAX_FEEDBACK_COMMENT_CHARS = 1000  # "what was missing?" under a web answer (bot/feedback)

# A REST `sender`: ours are at most 36 characters ("web-" and 32 hex digits); Rasa stores 255.
MAX_SENDER_CHARS = 128

# Request bodies. A chat message of MAX_MESSAGE_CHARS, every character escaped as JSON
# (\uXXXX\uXXXX for an emoji), is under 48 KiB; the rest of the body is a few hundred bytes.
CHANNEL_BODY_MAX_BYTES = 64 * 1024
# The Rasa server as a whole (its HTTP API takes whole trackers): Sanic's own default is 100 MB.
SERVER_BODY_MAX_BYTES = 1024 * 1024


def too_long(text: str) -> bool:
    return len(text) > MAX_MESSAGE_CHARS


def valid_text(text: str) -> str:
    """The text with what no store can hold replaced: half of a UTF-16 surrogate pair (an emoji cut in two), NUL."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text.replace("\x00", "\ufffd")


# Urgent requests arriving together (issue 13): BURST_MIN_URGENT or more urgent handoffs created within
# BURST_WINDOW_SECONDS of each other are flagged to the nurse as a burst, which may be a flood rather
# than that many emergencies. Each is still queued as urgent: the flag informs, it never hides one.
BURST_WINDOW_SECONDS = 120
BURST_MIN_URGENT = 4

# Typing indicators while a nurse chats (bot/handoff/typing.py): each side says it is typing at most every
# TYPING_EVERY_SECONDS while it types, and the other side shows it for TYPING_SHOWN_SECONDS after the last.
TYPING_EVERY_SECONDS = 3.0
TYPING_SHOWN_SECONDS = 6.0
