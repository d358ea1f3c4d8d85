"""Every stored time keeps its instant whatever its UTC offset: SQLite keeps only the wall clock it is given."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, select

import bot.channels.sms.models  # noqa: F401  (registers the SMS tables on Base)
import bot.content.models  # noqa: F401
import bot.feedback.models  # noqa: F401
import bot.handoff.models  # noqa: F401
from bot.feedback.models import Feedback
from bot.feedback.store import FeedbackStore
from bot.handoff.models import Handoff
from bot.handoff.service import HandoffService
from bot.models import Base, UtcDateTime
from bot.wording import Wording
from tests.support.clock import FakeClock

SUMMER_10AM = dt.datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Europe/London"))  # 09:00 UTC
UTC = dt.timezone.utc


def test_every_time_column_is_a_utc_datetime():
    plain = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, DateTime) and not isinstance(column.type, UtcDateTime)
    ]
    assert plain == []


def test_a_handoff_made_at_a_summer_time_is_read_back_and_compared_as_the_same_instant(session_factory):
    """Stored without turning into UTC, 10:00+01:00 came back as 10:00 UTC, an hour late, and was compared so."""
    service = HandoffService(session_factory, FakeClock(SUMMER_10AM), Wording.from_domain())
    handoff = service.request("web-summer", "socketio", "asked for a nurse", transcript=[]).handoff.id
    with session_factory() as session:
        created = session.get(Handoff, handoff).created_at
        by_nine_thirty = session.execute(
            select(Handoff.id).where(Handoff.created_at < dt.datetime(2026, 6, 1, 9, 30, tzinfo=UTC))
        ).all()
    assert (created, created.utcoffset()) == (SUMMER_10AM, dt.timedelta(0))
    assert by_nine_thirty == [(handoff,)]


def test_feedback_given_at_a_summer_time_is_read_back_as_the_same_instant_with_its_zone(session_factory):
    """The feedback table was a plain DateTime: SQLite handed its times back naive, and an hour out in summer."""
    FeedbackStore(session_factory, FakeClock(SUMMER_10AM)).record_csat("web-summer", "socketio", 5, 7)
    with session_factory() as session:
        [created] = session.execute(select(Feedback.created_at)).scalars()
    assert (created, created.utcoffset()) == (SUMMER_10AM, dt.timedelta(0))
