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

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.channels.sms.models import SmsConversation, SmsInbound
from bot.feedback.store import anonymise as anonymise_feedback
from bot.handoff.models import Handoff, HandoffEvent, HandoffMessage, HandoffNote
from bot.outbox.models import OutboxMessage
from bot.reports.counts import events_table, facts_of_handoffs, keep
from bot.reports.facts import Facts, tracker_facts

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


def _purge_tracker(tracker_engine: Engine, cutoff: dt.datetime, counts: Facts, tz: dt.tzinfo) -> tuple[int, int]:
    """Whole conversations whose last event is older than the cut-off; their daily facts are kept."""
    events = events_table(tracker_engine)
    if events is None:  # nothing stored yet
        return 0, 0
    cutoff_ts = cutoff.timestamp()
    with tracker_engine.begin() as connection:
        old = select(events.c.sender_id).group_by(events.c.sender_id).having(func.max(events.c.timestamp) < cutoff_ts)
        senders = [row[0] for row in connection.execute(old)]
        deleted = 0
        for start in range(0, len(senders), 500):
            batch = senders[start : start + 500]
            rows = connection.execute(
                select(events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.data).where(
                    events.c.sender_id.in_(batch), events.c.type_name.in_(("user", "bot"))
                )
            ).all()
            counts.update(tracker_facts(((r[0], r[1], r[2], r[3]) for r in rows), tz))
            deleted += connection.execute(delete(events).where(events.c.sender_id.in_(batch))).rowcount
    return len(senders), deleted


def run_retention(
    sessions: sessionmaker,
    tracker_engine: Optional[Engine],
    now: dt.datetime,
    days: int,
    tz: dt.tzinfo = dt.timezone.utc,
) -> RetentionReport:
    """`tz` is the helpline's time zone (config/helpline.yml): the kept facts are dated as the reports date them."""
    if days < 1:
        raise ValueError("the retention period must be at least one day")
    cutoff = now - dt.timedelta(days=days)
    counts: Facts = Counter()
    conversations, tracker_events = (
        _purge_tracker(tracker_engine, cutoff, counts, tz) if tracker_engine is not None else (0, 0)
    )
    with sessions() as session, session.begin():
        old = session.execute(select(Handoff).where(Handoff.created_at < cutoff)).scalars().all()
        ids = [h.id for h in old]
        counts.update(facts_of_handoffs(session, old, tz))
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
        feedback = anonymise_feedback(session, cutoff, tz)
        keep(session, counts)
    report = RetentionReport(
        cutoff, conversations, tracker_events, handoffs, messages, outbox, audit, numbers, notes, feedback
    )
    logger.info("retention: %s", report)
    return report


def main(argv: Optional[Sequence[str]] = None) -> int:
    from bot.config import Settings
    from bot.db import make_engine, make_session_factory, upgrade
    from bot.hours import OpeningHours

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
            OpeningHours.from_file(settings.helpline_config).tz,
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
