"""What a text means before the NLU sees it: carrier keywords, MORE, NURSE, option numbers, a nurse chat's rating."""

from __future__ import annotations

import re
from typing import List, Optional

from bot.feedback.models import CSAT_RATINGS

# Twilio's default keywords (single-word messages). "cancel" also leaves the nurse queue:
# while a live handoff is open it goes to the gate and is not an opt-out.
OPT_OUT_WORDS = frozenset({"stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "optout", "revoke"})
OPT_IN_WORDS = frozenset({"start", "unstop", "yes"})  # "yes" only re-subscribes when opted out: it also answers offers
HELP_WORDS = frozenset({"help", "info"})
MORE_WORD = "more"
NURSE_WORDS = frozenset({"nurse"})  # outside a handoff, asks for a nurse (in one, it goes to the nurse)
REQUEST_NURSE = "/request_nurse"
# The answer to "Did this help?" (asked once, after a content answer): two words none of the others can be.
HELPED_WORDS = frozenset({"helped"})
NOT_HELPED_WORDS = frozenset({"not helped"})
# The answer to the rating asked once when a nurse ends a chat: "4", "4/5", "4 out of 5".
_RATING = re.compile(r"^\s*(\d)\s*(?:(?:/|out\s+of)\s*5)?\s*[.!]?\s*$", re.IGNORECASE)

_NOT_WORD = re.compile(r"[^\w\s]")
_OPTION = re.compile(r"^\s*(?:#|option|opt|number|no\.?)?\s*(\d{1,2})\s*[.)]?\s*$", re.IGNORECASE)
_ORDINAL = re.compile(
    r"^\s*(?:the\s+)?(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)(?:\s+(?:one|option))?"
    r"(?:\s+(?:please|pls|plz))?\s*[.!]?\s*$",
    re.IGNORECASE,
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_ORDINALS.update({"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5})
_TITLE_END = re.compile(r"[\s.?!:;,]+$")


def keyword(text: str) -> str:
    """The message as a keyword candidate: lower case, punctuation dropped, spaces collapsed."""
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


def option_payload(text: str, payloads: List[str]) -> Optional[str]:
    """The payload a reply of just "1", "option 2", "the first one"… stands for, if the last buttons offered it."""
    match, ordinal = _OPTION.match(text), _ORDINAL.match(text)
    if match:
        number = int(match.group(1))
    elif ordinal:
        number = _ORDINALS[ordinal.group(1).lower()]
    else:
        return None
    return payloads[number - 1] if 1 <= number <= len(payloads) else None


def chat_rating(text: str) -> Optional[int]:
    """The rating a reply of just "1" to "5" (or "4/5", "4 out of 5") gives a nurse chat; None for anything else."""
    match = _RATING.match(text)
    rating = int(match.group(1)) if match else None
    return rating if rating in CSAT_RATINGS else None


def options_prompt(titles: List[str]) -> str:
    choices = ", ".join(f"{i} for {_TITLE_END.sub('', title)}" for i, title in enumerate(titles, start=1))
    return f"Reply {choices}."
