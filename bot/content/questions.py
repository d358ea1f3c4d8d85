"""Step one of choosing an answer: the topic and qualifiers a message asks about, follow-ups included.

A follow-up ("and what about a local one?", "what about chemo?") names only a type,
treatment or body site. It keeps the previous answer's topic and question and changes
the qualifier, whatever intent the classifier gave it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

import yaml

from bot.config import PROJECT_ROOT

FOLLOW_UP_WORDS = PROJECT_ROOT / "data" / "dialogue" / "follow_up_words.yml"
FOLLOW_UP_INTENT = "ask_follow_up"
INTENT_PREFIX = "ask_"
TREATMENT_TOPIC = "treatment"
QUALIFIER_ENTITIES = ("recurrence_type", "treatment", "body_site")
# When the classifier is this sure of a topic, other topics are not considered.
SURE = 0.75
# Another topic is considered if the classifier gave it at least this share of the top score.
CLOSE_SHARE = 0.5
TOKEN = re.compile(r"[\w'&]+|[?!.,]")


@dataclass(frozen=True)
class Question:
    """What to look up: the topic (None if it cannot be known), qualifiers, and the words to rank with."""

    topic: Optional[str]
    recurrence_type: Optional[str]
    treatment: Optional[str]
    body_site: Optional[str]
    text: str
    other_topics: tuple[str, ...] = ()
    follow_up: bool = False


def load_follow_up_words(path: Path = FOLLOW_UP_WORDS) -> frozenset[str]:
    return frozenset(str(w).lower() for w in yaml.safe_load(path.read_text(encoding="utf-8"))["words"])


def _entity(entities: Sequence[dict[str, Any]], name: str) -> Optional[str]:
    for entity in entities:
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def is_elliptical(text: str, entities: Sequence[dict[str, Any]], filler: frozenset[str]) -> bool:
    """Only a qualifier and filler words: "and for secondary?", "what about the lymph nodes?"."""
    spans = [(e["start"], e["end"]) for e in entities if e.get("entity") in QUALIFIER_ENTITIES and "start" in e]
    if not spans:
        return False
    rest = text
    for start, end in sorted(spans, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    return all(token in filler for token in TOKEN.findall(rest.lower()))


class QuestionReader:
    """Reads a parsed message, with the previous answer, into a `Question`."""

    def __init__(self, topics: Sequence[str], filler: frozenset[str]):
        self._topics = frozenset(topics)
        self._filler = filler

    def topic_for_intent(self, intent: Optional[str]) -> Optional[str]:
        if intent and intent.startswith(INTENT_PREFIX) and intent[len(INTENT_PREFIX) :] in self._topics:
            return intent[len(INTENT_PREFIX) :]
        return None

    def read(
        self,
        message: dict[str, Any],
        *,
        previous_topic: Optional[str] = None,
        previous_question: Optional[str] = None,
        remembered_type: Optional[str] = None,
    ) -> Question:
        text = message.get("text") or ""
        entities = message.get("entities") or []
        intent = (message.get("intent") or {}).get("name")
        stated_type = _entity(entities, "recurrence_type")
        treatment = _entity(entities, "treatment")
        body_site = _entity(entities, "body_site")
        follow_up = previous_topic is not None and (
            intent == FOLLOW_UP_INTENT or is_elliptical(text, entities, self._filler)
        )
        if follow_up:
            topic = TREATMENT_TOPIC if treatment else previous_topic
            return Question(
                topic=topic,
                recurrence_type=stated_type or (remembered_type if not body_site else None),
                treatment=treatment,
                body_site=body_site,
                text=(previous_question or text) if topic == previous_topic else text,
                follow_up=True,
            )
        topic = self.topic_for_intent(intent)
        return Question(
            topic=topic,
            recurrence_type=stated_type or (remembered_type if not body_site else None),
            treatment=treatment,
            body_site=body_site,
            text=text,
            other_topics=self._close_topics(message, topic),
        )

    def _close_topics(self, message: dict[str, Any], topic: Optional[str]) -> tuple[str, ...]:
        """Other topics the classifier found nearly as likely, when it was unsure."""
        ranking = message.get("intent_ranking") or []
        if topic is None or not ranking:
            return ()
        top = float(ranking[0].get("confidence") or 0.0)
        if top >= SURE:
            return ()
        close = []
        for item in ranking[1:4]:
            other = self.topic_for_intent(item.get("name"))
            if other and other != topic and float(item.get("confidence") or 0.0) >= CLOSE_SHARE * top:
                close.append(other)
        return tuple(close)
