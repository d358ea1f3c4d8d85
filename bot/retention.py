"""Deletes conversations, handoffs, their messages and notes older than the retention period, keeping anonymous counts.

Feedback is kept, anonymised: its conversation, nurse chat and words go, and its time becomes its day.

Run from cron, for example daily: `python -m bot.retention` (HELPLINE_RETENTION_DAYS, default 90).
A conversation is deleted whole once its last event is older than the cut-off. The content
store is never touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Optional, Sequence

from sqlalchemy import MetaData, Table, delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.sms.models import SmsConversation, SmsInbound
from bot.feedback.store import anonymise as anonymise_feedback
from bot.handoff.models import Handoff, HandoffEvent, HandoffMessage, HandoffNote
from bot.outbox.models import OutboxMessage
from bot.retention_models import UsageCount

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionReport:
    cutoff: dt.datetime
    conversations: int
    tracker_events: int
    handoffs: int
    handoff_messages: int
    outbox: int
    audit_events: int
    sms_numbers: int
    handoff_notes: int = 0  # nurses' internal notes
    feedback: int = 0  # anonymised, not deleted


def _day(value: dt.datetime) -> dt.date:
    return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc).date()


def _add_counts(session: Session, counts: Counter) -> None:
    for (day, kind), number in counts.items():
        row = session.get(UsageCount, (day, kind))
        if row is None:
            session.add(UsageCount(day=day, kind=kind, count=number))
        else:
            row.count += number


def _purge_tracker(tracker_engine: Engine, cutoff: dt.datetime, counts: Counter) -> tuple[int, int]:
    """Whole conversations whose last event is older than the cut-off; their daily counts are kept."""
    metadata = MetaData()
    try:
        events = Table("events", metadata, autoload_with=tracker_engine)
    except Exception:  # no tracker table yet: nothing to delete
        return 0, 0
    cutoff_ts = cutoff.timestamp()
    with tracker_engine.begin() as connection:
        old = select(events.c.sender_id).group_by(events.c.sender_id).having(func.max(events.c.timestamp) < cutoff_ts)
        senders = [row[0] for row in connection.execute(old)]
        deleted = 0
        for start in range(0, len(senders), 500):
            batch = senders[start : start + 500]
            rows = connection.execute(
                select(events.c.sender_id, events.c.timestamp, events.c.type_name).where(events.c.sender_id.in_(batch))
            ).all()
            first_day: dict[str, dt.date] = {}
            for sender, timestamp, type_name in rows:
                day = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).date()
                first_day[sender] = min(first_day.get(sender, day), day)
                if type_name == "user":
                    counts[(day, "user_messages")] += 1
            for day in first_day.values():
                counts[(day, "conversations")] += 1
            deleted += connection.execute(delete(events).where(events.c.sender_id.in_(batch))).rowcount
    return len(senders), deleted


def run_retention(
    sessions: sessionmaker, tracker_engine: Optional[Engine], now: dt.datetime, days: int
) -> RetentionReport:
    if days < 1:
        raise ValueError("the retention period must be at least one day")
    cutoff = now - dt.timedelta(days=days)
    counts: Counter = Counter()
    conversations, tracker_events = (
        _purge_tracker(tracker_engine, cutoff, counts) if tracker_engine is not None else (0, 0)
    )
    with sessions() as session, session.begin():
        old = session.execute(select(Handoff).where(Handoff.created_at < cutoff)).scalars().all()
        ids = [h.id for h in old]
        for handoff in old:
            counts[(_day(handoff.created_at), "handoffs" if handoff.kind == "live" else "messages_left")] += 1
            if handoff.priority == "urgent":
                counts[(_day(handoff.created_at), "urgent_handoffs")] += 1
        messages = session.execute(delete(HandoffMessage).where(HandoffMessage.handoff_id.in_(ids))).rowcount
        notes = session.execute(delete(HandoffNote).where(HandoffNote.handoff_id.in_(ids))).rowcount
        outbox = session.execute(
            delete(OutboxMessage).where((OutboxMessage.created_at < cutoff) | OutboxMessage.handoff_id.in_(ids))
        ).rowcount
        audit = session.execute(
            delete(HandoffEvent).where((HandoffEvent.at < cutoff) | HandoffEvent.handoff_id.in_(ids))
        ).rowcount
        handoffs = session.execute(delete(Handoff).where(Handoff.id.in_(ids))).rowcount
        # SMS: the encrypted number of anyone not heard from since the cut-off, and old received texts.
        numbers = session.execute(delete(SmsConversation).where(SmsConversation.updated_at < cutoff)).rowcount
        session.execute(delete(SmsInbound).where(SmsInbound.received_at < cutoff))
        feedback = anonymise_feedback(session, cutoff)
        _add_counts(session, counts)
    report = RetentionReport(
        cutoff, conversations, tracker_events, handoffs, messages, outbox, audit, numbers, notes, feedback
    )
    logger.info("retention: %s", report)
    return report


def main(argv: Optional[Sequence[str]] = None) -> int:
    from bot.config import Settings
    from bot.db import make_engine, make_session_factory, upgrade

    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m bot.retention", description=__doc__)
    parser.add_argument("--days", type=int, default=settings.retention_days)
    args = parser.parse_args(argv)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    try:
        report = run_retention(
            make_session_factory(engine),
            make_engine(settings.tracker_database_url),
            dt.datetime.now(dt.timezone.utc),
            args.days,
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        f"Deleted everything older than {report.cutoff.isoformat(timespec='seconds')}: "
        f"{report.conversations} conversations ({report.tracker_events} events), {report.handoffs} handoffs, "
        f"{report.handoff_messages} handoff messages, {report.handoff_notes} internal notes, "
        f"{report.outbox} outbox messages, "
        f"{report.audit_events} audit events, {report.sms_numbers} stored phone numbers. "
        f"Anonymised {report.feedback} feedback records. Daily counts kept in usage_counts."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
