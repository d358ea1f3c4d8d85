"""The bounds on what a person can send, in one place; every channel checks them at its edge (README "Security").

A message longer than MAX_MESSAGE_CHARS is refused before the gate, the NLU or any store sees
it, and the person is told so (`utter_message_too_long` in domain.yml). 4,000 characters is
about 700 words: far more than anyone types into a chat or an SMS (Twilio joins at most 1,600),
and the same bound as a nurse's reply in the console.
"""

from __future__ import annotations

MAX_MESSAGE_CHARS = 4000
TOO_LONG_RESPONSE = "utter_message_too_long"

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
