"""What each assistant is asked, and how each reply is checked."""

from __future__ import annotations

import itertools
import uuid
from typing import List, Sequence, Tuple

from bench.client import Turn, contains, one_of

# Every information answer ends with the line naming its review date; a fallback or an error never does.
REVIEW_LINE = "last reviewed"

HELPLINE_QUESTIONS = (
    "what is a local recurrence",
    "what are the symptoms of secondary breast cancer",
    "how is a recurrence diagnosed",
    "what treatment will I get if it's back in my scar",
    "what is the outlook for secondary breast cancer",
    "what makes breast cancer more likely to come back",
    "is there anything I can do to lower the risk of it coming back",
    "what is a regional recurrence",
    "what does recurrence mean",
    "how can I support my mum whose cancer came back",
)


def helpline_turns(count: int, offset: int = 0) -> List[Turn]:
    """`count` information questions in a fixed rotation; each reply must be a reviewed content answer."""
    check = contains(REVIEW_LINE)
    questions = itertools.islice(itertools.cycle(HELPLINE_QUESTIONS), offset, offset + count)
    return [Turn(text, check) for text in questions]


STOCK_MESSAGES = ("hello there", "I am great", "are you a bot?", "good morning", "I'm feeling very good", "bye")


def stock_turns(count: int, responses: Sequence[str], offset: int = 0) -> List[Turn]:
    """The stock assistant's own small talk; each reply must be one of its domain's responses."""
    check = one_of(responses)
    messages = itertools.islice(itertools.cycle(STOCK_MESSAGES), offset, offset + count)
    return [Turn(text, check) for text in messages]


def conversations(prefix: str, count: int, turns: int, make) -> List[Tuple[str, List[Turn]]]:
    run = uuid.uuid4().hex[:8]
    return [(f"{prefix}-{run}-{i}", make(turns, i)) for i in range(count)]
