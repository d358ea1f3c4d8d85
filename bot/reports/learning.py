"""Turns to learn from: fallbacks and clarifications, unhelpful answers, a nurse asked for after an answer, and
safety-net overrides; and the ones a content lead picks, exported as Rasa NLU training data (data/nlu format).

Text comes from the tracker store, which stores it redacted (bot/rasa_runtime/tracker_store.py), and feedback
comments are redacted when given, so nothing here shows a personal detail the redaction finds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml
from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.config import PROJECT_ROOT
from bot.feedback.models import Feedback, FeedbackKind
from bot.intents import FALLBACK_INTENT
from bot.reports.counts import events_table
from bot.reports.facts import CONTENT_ANSWER, day_bounds
from bot.transcripts import PAYLOAD_PREFIX

# Why a turn is listed.
FALLBACK = "fallback"
CLARIFIED = "clarification"
UNHELPFUL = "unhelpful"
NURSE_AFTER_ANSWER = "nurse_after_answer"
SAFETY_OVERRIDE = "safety_override"
REASONS = (FALLBACK, CLARIFIED, UNHELPFUL, NURSE_AFTER_ANSWER, SAFETY_OVERRIDE)

CLARIFYING_ACTIONS = ("action_clarify", "action_default_fallback")
NURSE_INTENT = "request_nurse"
MAX_TURNS = 500  # the newest, in a range
NLU_VERSION = "3.1"
# "[x](entity)", "[x]{...}", "[x][...]" are Rasa entity markup; a redaction placeholder must not be read as it.
ENTITY_MARKUP = re.compile(r"\]([({\[])")


class ExportError(ValueError):
    """Turns or an intent that cannot be exported."""


class TurnNotFound(ExportError):
    """No typed message has that id (a button press is not one)."""


@cache
def domain_intents() -> Tuple[str, ...]:
    """The intents in domain.yml: the only ones an exported example may name."""
    with open(PROJECT_ROOT / "domain.yml", encoding="utf-8") as handle:
        return tuple(yaml.safe_load(handle)["intents"])


@dataclass
class Turn:
    id: int  # the tracker event's id
    at: str
    text: str
    intent: Optional[str]
    confidence: Optional[float]
    classifier_intent: Optional[str] = None  # what the classifier said, when the safety net replaced it
    entry: Optional[str] = None  # the content entry given in reply
    comment: Optional[str] = None  # "what was missing?", redacted
    reasons: List[str] = field(default_factory=list)


def _user_turn(row_id: int, timestamp: float, event: Dict[str, Any]) -> Turn:
    parse = event.get("parse_data") or {}
    intent = parse.get("intent") or {}
    safety = parse.get("safety") or {}
    turn = Turn(
        id=row_id,
        at=dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat(),
        text=" ".join(str(event.get("text") or "").split()),
        intent=intent.get("name"),
        confidence=intent.get("confidence"),
        classifier_intent=safety.get("replaced"),
    )
    if turn.intent == FALLBACK_INTENT:
        turn.reasons.append(FALLBACK)
    if turn.classifier_intent:
        turn.reasons.append(SAFETY_OVERRIDE)
        ranked = {r.get("name"): r.get("confidence") for r in parse.get("intent_ranking") or []}
        turn.confidence = ranked.get(turn.classifier_intent, turn.confidence)
    return turn


def conversation_turns(rows: Sequence[Tuple[int, str, float, Optional[str]]], unhelpful: Dict[str, str]) -> List[Turn]:
    """A conversation's typed turns, in order, each with why it is worth learning from; rows are (id, type, ts, data).

    `unhelpful` maps an entry this conversation marked unhelpful to the comment given (or "").
    """
    turns: List[Turn] = []
    answered: Optional[Turn] = None  # the latest turn a content answer replied to
    for row_id, type_name, timestamp, data in rows:
        event = json.loads(data) if data else {}
        current = turns[-1] if turns else None
        if type_name == "user":
            text = str(event.get("text") or "")
            if text.startswith(PAYLOAD_PREFIX):
                if NURSE_INTENT in text and answered is not None and NURSE_AFTER_ANSWER not in answered.reasons:
                    answered.reasons.append(NURSE_AFTER_ANSWER)
                continue
            turn = _user_turn(row_id, timestamp, event)
            if turn.intent == NURSE_INTENT and answered is not None and NURSE_AFTER_ANSWER not in answered.reasons:
                answered.reasons.append(NURSE_AFTER_ANSWER)
            turns.append(turn)
        elif type_name == "action" and current is not None and event.get("name") in CLARIFYING_ACTIONS:
            if CLARIFIED not in current.reasons:
                current.reasons.append(CLARIFIED)
        elif type_name == "bot" and current is not None:
            metadata = event.get("metadata") or {}
            if metadata.get("utter_action") == CONTENT_ANSWER and isinstance(metadata.get("content_id"), str):
                current.entry = metadata["content_id"]
                answered = current
    for entry, comment in unhelpful.items():
        given = [t for t in turns if t.entry == entry]
        if given:
            given[-1].reasons.append(UNHELPFUL)
            given[-1].comment = comment or None
    return [t for t in turns if t.reasons]


class Learning:
    """Each call is one unit of work, safe to run in a worker thread."""

    def __init__(self, sessions: sessionmaker, tracker: Any, tz: Any):
        self._sessions = sessions
        self._tracker = tracker  # () -> Optional[Engine]
        self._tz = tz  # () -> tzinfo

    def turns(self, first: dt.date, last: dt.date) -> List[Dict[str, Any]]:
        """The turns to learn from, in conversations with a message in the range, newest first."""
        engine: Optional[Engine] = self._tracker()
        events = events_table(engine) if engine is not None else None
        if engine is None or events is None:
            return []
        start, end = (t.timestamp() for t in day_bounds(first, last, self._tz()))
        touching = (
            select(events.c.sender_id)
            .where(events.c.type_name == "user")
            .group_by(events.c.sender_id)
            .having(and_(func.max(events.c.timestamp) >= start, func.min(events.c.timestamp) < end))
        )
        found: List[Turn] = []
        with engine.connect() as connection:
            senders = [row[0] for row in connection.execute(touching)]
            verdicts = self._unhelpful(senders)
            for sender in senders:
                rows = connection.execute(
                    select(events.c.id, events.c.type_name, events.c.timestamp, events.c.data)
                    .where(events.c.sender_id == sender, events.c.type_name.in_(("user", "bot", "action")))
                    .order_by(events.c.timestamp, events.c.id)
                ).all()
                kept = [(r[0], r[1], r[2], r[3]) for r in rows]
                found += [t for t in conversation_turns(kept, verdicts.get(sender, {})) if start <= _ts(t.at) < end]
        found.sort(key=lambda t: (t.at, t.id), reverse=True)
        return [asdict(t) for t in found[:MAX_TURNS]]

    def _unhelpful(self, senders: List[str]) -> Dict[str, Dict[str, str]]:
        out: Dict[str, Dict[str, str]] = {}
        with self._sessions() as session:
            for start in range(0, len(senders), 500):
                rows = session.execute(
                    select(Feedback.conversation_id, Feedback.content_id, Feedback.comment).where(
                        Feedback.kind == FeedbackKind.HELPFUL,
                        Feedback.rating == 0,
                        Feedback.conversation_id.in_(senders[start : start + 500]),
                    )
                ).all()
                for conversation, entry, comment in rows:
                    out.setdefault(conversation, {})[entry] = comment or ""
        return out

    def export(self, turn_ids: Sequence[int], intent: str) -> str:
        """The chosen turns' words as examples of `intent`, in data/nlu's YAML, ready to review and commit."""
        if intent not in domain_intents():
            raise ExportError(f"'{intent}' is not an intent in domain.yml.")
        engine: Optional[Engine] = self._tracker()
        events = events_table(engine) if engine is not None else None
        texts: Dict[int, str] = {}
        if engine is not None and events is not None and turn_ids:
            with engine.connect() as connection:
                rows = connection.execute(
                    select(events.c.id, events.c.data).where(
                        events.c.id.in_(list(turn_ids)), events.c.type_name == "user"
                    )
                ).all()
            texts = {row_id: " ".join(str(json.loads(data).get("text") or "").split()) for row_id, data in rows}
        missing = [i for i in turn_ids if not texts.get(i) or texts[i].startswith(PAYLOAD_PREFIX)]
        if missing:
            raise TurnNotFound(f"No typed message with id {missing[0]}.")
        return nlu_yaml(intent, [texts[i] for i in turn_ids])


def _ts(iso: str) -> float:
    return dt.datetime.fromisoformat(iso).timestamp()


def nlu_yaml(intent: str, examples: Sequence[str]) -> str:
    """Rasa's NLU training data format, as data/nlu/*.yml: one intent, its examples, each once."""
    unique = list(dict.fromkeys(ENTITY_MARKUP.sub(r"] \1", text) for text in examples if text))
    lines = [f'version: "{NLU_VERSION}"', "", "nlu:", f"  - intent: {intent}", "    examples: |"]
    lines += [f"      - {text}" for text in unique]
    return "\n".join(lines) + "\n"
