"""Intent names the code reads, defined once (domain.yml and data/nlu/ are the other side of the contract)."""

from __future__ import annotations

from typing import Collection, Optional

QUESTION_PREFIX = "ask_"  # the intents that ask for information; a content topic's is ask_<topic>
FALLBACK_INTENT = "nlu_fallback"  # the FallbackClassifier: the classifier could not place the message


def topic_of(intent: Optional[str], topics: Collection[str]) -> Optional[str]:
    """`ask_treatment` -> `treatment` when it is one of `topics`; any other intent has no topic."""
    if intent and intent.startswith(QUESTION_PREFIX) and intent[len(QUESTION_PREFIX) :] in topics:
        return intent[len(QUESTION_PREFIX) :]
    return None
