"""Step one of choosing an answer: the topic and qualifiers a message asks about, follow-ups included.

A follow-up ("and what about a local one?", "what about chemo?") names only a type,
treatment or body site. It keeps the previous answer's topic and question and changes
the qualifier, whatever intent the classifier gave it. "And if it has spread?" names
secondary breast cancer by its spread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection, Optional, Sequence

import yaml

from bot.config import PROJECT_ROOT
from bot.intents import topic_of
from bot.safety.disposition import SAFETY_KEY

FOLLOW_UP_WORDS = PROJECT_ROOT / "data" / "dialogue" / "follow_up_words.yml"
QUESTION_WORDS = PROJECT_ROOT / "data" / "dialogue" / "question_words.yml"
FOLLOW_UP_INTENT = "ask_follow_up"
TREATMENT_TOPIC = "treatment"
TYPES_TOPIC = "recurrence_types"
QUALIFIER_ENTITIES = ("recurrence_type", "treatment", "body_site")
TOKEN = re.compile(r"[\w'&]+|[?!.,]")
PUNCTUATION = frozenset("?!.,")
SECONDARY = "secondary"


@dataclass(frozen=True)
class Question:
    """What to look up: the topic (None if it cannot be known), qualifiers, and the words to rank with."""

    topic: Optional[str]
    recurrence_type: Optional[str]
    treatment: Optional[str]
    body_site: Optional[str]
    text: str
    topic_weights: dict[str, float] = field(default_factory=dict)
    follow_up: bool = False
    # The qualifier a follow-up changed to, which the answer must have: ("treatment", "chemotherapy").
    required: Optional[tuple[str, str]] = None
    # A follow-up asks for something other than the answer it follows.
    excluded: Optional[str] = None
    # The answer it follows was an overview, so the follow-up asks for the overview of the new qualifier.
    wants_overview: bool = False
    # Told ("her scan shows it has spread") or asked openly ("what happens now"): an answer that begins
    # "Yes." or "No." does not fit.
    not_yes_no: bool = False


def _word_set(words: Sequence[object]) -> frozenset[str]:
    return frozenset(str(w).lower() for w in words)


def load_follow_up_words(path: Path = FOLLOW_UP_WORDS) -> frozenset[str]:
    return _word_set(yaml.safe_load(path.read_text(encoding="utf-8"))["words"])


@dataclass(frozen=True)
class QuestionWords:
    question: frozenset[str]
    verbs: frozenset[str]
    subjects: frozenset[str]
    openers: frozenset[str]
    open_words: frozenset[str]
    topic_words: frozenset[str]

    @classmethod
    def load(cls, path: Path = QUESTION_WORDS) -> QuestionWords:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        keys = ("question_words", "asking_verbs", "subjects", "statement_openers", "open_question_words", "topic_words")
        return cls(*(_word_set(data[key]) for key in keys))

    def opens_a_question(self, text: str) -> bool:
        """Begins as a question or ends with a question mark: "how long have I got", "can I still call?"."""
        tokens = TOKEN.findall(text.lower())
        if not tokens:
            return False
        if tokens[-1] == "?" or any(t in self.open_words for t in tokens[:2]):
            return True
        return len(tokens) > 1 and tokens[0] in self.verbs and tokens[1] in self.subjects

    def is_not_yes_no(self, text: str) -> bool:
        """Told, or asked openly with no yes-or-no clause: "…in her liver what happens now"."""
        tokens = TOKEN.findall(text.lower())
        if len(tokens) >= 4 and tokens[0] in self.openers and not self._asks(tokens):
            return True
        return any(t in self.open_words for t in tokens) and not self._asks_yes_or_no(tokens, after_open=False)

    def names_only_a_topic(self, text: str, filler: frozenset[str]) -> bool:
        """Just a topic's name, with filler: "treatment", "what about symptoms?". Its overview answers."""
        tokens = TOKEN.findall(text.lower())
        return any(t in self.topic_words for t in tokens) and all(t in self.topic_words or t in filler for t in tokens)

    def _asks(self, tokens: list[str]) -> bool:
        if "?" in tokens or any(t in self.question for t in tokens):
            return True
        return self._asks_yes_or_no(tokens)

    def _asks_yes_or_no(self, tokens: list[str], after_open: bool = True) -> bool:
        """A verb asking about someone ("can it", "is there"); with `after_open` False, not one that follows an
        open word in its clause ("how long does it take")."""
        opened, before = False, "."
        for verb, first in zip(tokens[:-1], tokens[1:], strict=True):
            if verb in PUNCTUATION:
                opened = False
            opened = opened or verb in self.open_words
            if verb in self.verbs and (first in self.subjects or before in PUNCTUATION) and (after_open or not opened):
                return True
            before = verb
        return False


def _entity(entities: Sequence[dict[str, Any]], name: str) -> Optional[str]:
    """The value named, or None when none is, or when several different ones are ("local or locally advanced?")."""
    values = {str(e["value"]) for e in entities if e.get("entity") == name and e.get("value")}
    return values.pop() if len(values) == 1 else None


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

    def __init__(
        self,
        topics: Sequence[str],
        filler: frozenset[str],
        spread: frozenset[str] = frozenset(),
        question_words: Optional[QuestionWords] = None,
    ):
        self._topics = frozenset(topics)
        self._filler = filler
        self._spread = spread
        self._question_words = question_words

    @classmethod
    def from_data(cls, topics: Sequence[str], path: Path = FOLLOW_UP_WORDS) -> QuestionReader:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))  # read once: filler and spread words
        return cls(topics, _word_set(data["words"]), _word_set(data["spread_words"]), QuestionWords.load())

    def _not_yes_no(self, text: str) -> bool:
        return self._question_words is not None and self._question_words.is_not_yes_no(text)

    def opens_a_question(self, text: str) -> bool:
        return self._question_words is not None and self._question_words.opens_a_question(text)

    def topic_for_intent(self, intent: Optional[str]) -> Optional[str]:
        return topic_of(intent, self._topics)

    def read(
        self,
        message: dict[str, Any],
        *,
        previous_topic: Optional[str] = None,
        previous_question: Optional[str] = None,
        remembered_type: Optional[str] = None,
        remembered_site: Optional[str] = None,
        site_topics: Collection[str] = (),
        previous_id: Optional[str] = None,
        previous_overview: bool = False,
        previous_treatment: Optional[str] = None,
    ) -> Question:
        text = message.get("text") or ""
        entities = message.get("entities") or []
        intent = (message.get("intent") or {}).get("name")
        stated_type = _entity(entities, "recurrence_type")
        treatment = _entity(entities, "treatment")
        body_site = _entity(entities, "body_site")
        weights = self._topic_weights(message)
        elliptical = intent == FOLLOW_UP_INTENT or is_elliptical(text, entities, self._filler)
        if elliptical and previous_topic is not None:
            site, text = self._site(
                text, body_site, remembered_site, site_topics, previous_topic, stated_type or treatment
            )
            if (
                stated_type is None
                and body_site is None
                and any(t in self._spread for t in TOKEN.findall(text.lower()))
            ):
                stated_type = SECONDARY  # "and if it has spread?"
            topic: Optional[str] = TREATMENT_TOPIC if treatment else previous_topic
            required = (
                ("treatment", treatment) if treatment else (("recurrence_type", stated_type) if stated_type else None)
            )
            # The same question for the new qualifier: the other qualifier of the answer it follows stays.
            return Question(
                topic=topic,
                recurrence_type=stated_type or (remembered_type if not site else None),
                treatment=treatment or (previous_treatment if topic == previous_topic else None),
                body_site=site,
                text=f"{previous_question or ''} {text}".strip(),
                topic_weights=weights,
                follow_up=True,
                required=required,
                excluded=previous_id,
                wants_overview=previous_overview and topic == previous_topic,
            )
        topic = self.topic_for_intent(intent)
        if topic is not None and (message.get(SAFETY_KEY) or {}).get("replaced"):
            # The SafetyNet chose the topic because a symptom was stated, not asked about ("I have a
            # headache"): the topic's overview answers, not whichever entry shares a word with it.
            return Question(
                topic=topic,
                recurrence_type=stated_type,
                treatment=treatment,
                body_site=body_site,
                text=text,
                wants_overview=True,
            )
        if topic is None and intent == FOLLOW_UP_INTENT:
            # A type or treatment named out of the blue ("what is targeted therapy?"): its own topic.
            topic = TREATMENT_TOPIC if treatment else TYPES_TOPIC
        site, text = self._site(text, body_site, remembered_site, site_topics, topic, stated_type or treatment)
        bare_topic = (
            self._question_words is not None
            and not any(e.get("entity") in QUALIFIER_ENTITIES for e in entities)
            and self._question_words.names_only_a_topic(text, self._filler)
        )
        return Question(
            topic=topic,
            recurrence_type=stated_type or (remembered_type if not site else None),
            treatment=treatment,
            body_site=site,
            text=text,
            topic_weights=weights,
            not_yes_no=self._not_yes_no(text),
            wants_overview=bare_topic,
        )

    @staticmethod
    def _site(
        text: str,
        body_site: Optional[str],
        remembered: Optional[str],
        site_topics: Collection[str],
        topic: Optional[str],
        qualified: Optional[str],
    ) -> tuple[Optional[str], str]:
        """The site named now, or ("how is it treated" after "back in her chest wall") the one named earlier,
        with its words added to the text, when the message names no type or treatment (`qualified`) and the
        question's topic has an entry about it: "how do I help him" is not about his lymph nodes."""
        if body_site is not None or qualified or remembered is None or topic not in site_topics:
            return body_site, text
        return remembered, f"{text} {remembered.replace('_', ' ')}"  # its words rank the entries about it

    def _topic_weights(self, message: dict[str, Any]) -> dict[str, float]:
        """Each topic the classifier ranked, weighted by its confidence against the top intent's."""
        ranking = message.get("intent_ranking") or []
        top = max((float(r.get("confidence") or 0.0) for r in ranking), default=0.0)
        weights: dict[str, float] = {}
        for item in ranking:
            topic = self.topic_for_intent(item.get("name"))
            if topic and top > 0:
                weights.setdefault(topic, float(item.get("confidence") or 0.0) / top)
        return weights
