"""Daily facts: what a report counts, derived the same way from live rows and from rows retention is about to delete.

A fact is (day, kind, detail) with a count. The day is the helpline's date of the thing counted
(a conversation's first message, a handoff's request). Retention stores the facts of what it deletes
in `usage_counts`; a report adds those to the facts of what is still stored, so it reads the same
before and after retention.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Tuple

from bot.handoff.models import Kind, State

Fact = Tuple[dt.date, str, str]
Facts = Counter  # Counter[Fact]

SEPARATOR = "|"
DETAIL_CHARS = 255  # usage_counts.detail

# Kinds, and what their detail holds.
CONVERSATIONS = "conversations"  # channel|hour of the conversation's first message
USER_MESSAGES = "user_messages"  # channel|hour
ANSWERS = "answers"  # content entry
HANDOFFS = "handoffs"  # kind|priority|state|channel: the state is the disposition
WAITS = "waits"  # kind|priority|seconds from the request to the first claim
TURNAROUND = "turnaround"  # seconds from a message left to the first nurse reply
OUTCOMES = "outcomes"  # the outcome a nurse chose on closing
NURSE_CLAIMS = "nurse_claims"  # nurse id
NURSE_REPLIES = "nurse_replies"  # nurse id
NURSE_ENDED = "nurse_ended"  # nurse id: chats closed or handed back
KINDS = (
    CONVERSATIONS,
    USER_MESSAGES,
    ANSWERS,
    HANDOFFS,
    WAITS,
    TURNAROUND,
    OUTCOMES,
    NURSE_CLAIMS,
    NURSE_REPLIES,
    NURSE_ENDED,
)

CONTENT_ANSWER = "utter_content_answer"  # the response that carries a content entry (actions/answers.py)
ENDED_EVENTS = ("closed", "returned")


def detail(*parts: Any) -> str:
    return SEPARATOR.join(str(part) for part in parts)[:DETAIL_CHARS]


def split(value: str) -> list[str]:
    return value.split(SEPARATOR)


def day_bounds(first: dt.date, last: dt.date, tz: dt.tzinfo) -> Tuple[dt.datetime, dt.datetime]:
    """The UTC times from the start of `first` to the end of `last`, in the helpline's time zone."""
    start = dt.datetime.combine(first, dt.time(0), tz).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tz).astimezone(dt.timezone.utc)
    return start, end


# ----- the tracker: conversations, messages and answers -----


def tracker_facts(rows: Iterable[Tuple[str, str, float, Optional[str]]], tz: dt.tzinfo) -> Facts:
    """Facts of whole conversations from Rasa's events table: (sender_id, type_name, timestamp, data) rows."""
    facts: Facts = Counter()
    first: Dict[str, Tuple[float, str]] = {}
    for sender, type_name, timestamp, data in rows:
        if type_name not in ("user", "bot"):
            continue
        event = json.loads(data) if data else {}
        at = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).astimezone(tz)
        if type_name == "user":
            channel = event.get("input_channel") or "unknown"
            facts[(at.date(), USER_MESSAGES, detail(channel, at.hour))] += 1
            if sender not in first or timestamp < first[sender][0]:
                first[sender] = (timestamp, channel)
        else:
            metadata = event.get("metadata") or {}
            if metadata.get("utter_action") == CONTENT_ANSWER and isinstance(metadata.get("content_id"), str):
                facts[(at.date(), ANSWERS, detail(metadata["content_id"]))] += 1
    for timestamp, channel in first.values():
        at = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).astimezone(tz)
        facts[(at.date(), CONVERSATIONS, detail(channel, at.hour))] += 1
    return facts


# ----- handoffs and their audit trail -----


def handoff_facts(handoff: Any, events: Sequence[Any], tz: dt.tzinfo) -> Facts:
    """Facts of one handoff row and its audit events (`handoff_events` rows), dated by its request."""
    facts: Facts = Counter()
    created = handoff.created_at
    day = created.astimezone(tz).date()
    facts[(day, HANDOFFS, detail(handoff.kind, handoff.priority, handoff.state, handoff.channel))] += 1
    ordered = sorted(events, key=lambda e: (e.at, e.id))
    claims = [e for e in ordered if e.kind == "claimed"]
    if claims:
        wait = int((claims[0].at - created).total_seconds())
        facts[(day, WAITS, detail(handoff.kind, handoff.priority, max(wait, 0)))] += 1
    replies = [e for e in ordered if e.kind == "nurse_reply"]
    if handoff.kind == Kind.MESSAGE and replies:
        facts[(day, TURNAROUND, detail(max(int((replies[0].at - created).total_seconds()), 0)))] += 1
    if handoff.state == State.CLOSED and handoff.outcome:
        facts[(day, OUTCOMES, detail(handoff.outcome))] += 1
    for event in ordered:
        if event.nurse_id is None:
            continue
        kind: Mapping[str, str] = {"claimed": NURSE_CLAIMS, "nurse_reply": NURSE_REPLIES}
        if event.kind in kind:
            facts[(day, kind[event.kind], detail(event.nurse_id))] += 1
        elif event.kind in ENDED_EVENTS:
            facts[(day, NURSE_ENDED, detail(event.nurse_id))] += 1
    return facts
