"""Where facts are read from: stored rows (the tracker, the handoffs and their audit trail) and `usage_counts`."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Iterable, List, Optional

from sqlalchemy import MetaData, Table, and_, func, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.handoff.models import Handoff, HandoffEvent
from bot.reports.facts import Facts, day_bounds, handoff_facts, tracker_facts
from bot.retention_models import UsageCount

BATCH = 500


def events_table(engine: Engine) -> Optional[Table]:
    """Rasa's events table (`SQLTrackerStore.SQLEvent`), or None before anything was stored."""
    if not inspect(engine).has_table("events"):
        return None
    return Table("events", MetaData(), autoload_with=engine)


def conversation_facts(engine: Engine, senders: List[str], tz: dt.tzinfo) -> Facts:
    """The facts of these whole conversations."""
    events = events_table(engine)
    facts: Facts = Counter()
    if events is None:
        return facts
    with engine.connect() as connection:
        for start in range(0, len(senders), BATCH):
            rows = connection.execute(
                select(events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.data).where(
                    events.c.sender_id.in_(senders[start : start + BATCH]), events.c.type_name.in_(("user", "bot"))
                )
            ).all()
            facts.update(tracker_facts(((r[0], r[1], r[2], r[3]) for r in rows), tz))
    return facts


def stored_tracker_facts(engine: Optional[Engine], first: dt.date, last: dt.date, tz: dt.tzinfo) -> Facts:
    """Facts dated `first` to `last` of the conversations still in the tracker store."""
    if engine is None:
        return Counter()
    events = events_table(engine)
    if events is None:
        return Counter()
    start, end = (t.timestamp() for t in day_bounds(first, last, tz))
    touching = (
        select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(and_(func.max(events.c.timestamp) >= start, func.min(events.c.timestamp) < end))
    )
    with engine.connect() as connection:
        senders = [row[0] for row in connection.execute(touching)]
    return within(conversation_facts(engine, senders, tz), first, last)


def facts_of_handoffs(session: Session, handoffs: Iterable[Handoff], tz: dt.tzinfo) -> Facts:
    handoffs = list(handoffs)
    by_handoff = defaultdict(list)
    ids = [h.id for h in handoffs]
    for start in range(0, len(ids), BATCH):
        for event in session.execute(
            select(HandoffEvent).where(HandoffEvent.handoff_id.in_(ids[start : start + BATCH]))
        ).scalars():
            by_handoff[event.handoff_id].append(event)
    facts: Facts = Counter()
    for handoff in handoffs:
        facts.update(handoff_facts(handoff, by_handoff[handoff.id], tz))
    return facts


def stored_handoff_facts(session: Session, first: dt.date, last: dt.date, tz: dt.tzinfo) -> Facts:
    """Facts of the handoffs still stored that were requested from `first` to `last`."""
    start, end = day_bounds(first, last, tz)
    handoffs = session.execute(select(Handoff).where(Handoff.created_at >= start, Handoff.created_at < end)).scalars()
    return facts_of_handoffs(session, handoffs, tz)


def kept_facts(session: Session, first: dt.date, last: dt.date) -> Facts:
    """The facts retention kept of what it deleted."""
    rows = session.execute(select(UsageCount).where(UsageCount.day >= first, UsageCount.day <= last)).scalars()
    return Counter({(row.day, row.kind, row.detail): row.count for row in rows})


def keep(session: Session, facts: Facts) -> None:
    """Adds facts to `usage_counts` (retention, before it deletes the rows they came from)."""
    for (day, kind, detail), number in facts.items():
        row = session.get(UsageCount, (day, kind, detail))
        if row is None:
            session.add(UsageCount(day=day, kind=kind, detail=detail, count=number))
        else:
            row.count += number


def within(facts: Facts, first: dt.date, last: dt.date) -> Facts:
    return Counter({fact: n for fact, n in facts.items() if first <= fact[0] <= last})
