"""Urgent chats left unclaimed alert again, on the handoff clock (set here, never slept on), once per process sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.handoff.availability import NurseAvailability
from bot.handoff.journey import journey_for
from bot.handoff.models import HandoffEvent, Nurse
from bot.handoff.service import HandoffError
from bot.handoff.sweeper import HandoffSweeper
from bot.handoff.timing import JourneyTimes
from bot.handoff.urgent_alerts import realert_unclaimed

EVERY = dt.timedelta(minutes=5)


def realerts(session_factory) -> list[tuple[int, dict]]:
    import json

    with session_factory() as session:
        rows = session.execute(select(HandoffEvent).where(HandoffEvent.kind == "urgent_unclaimed")).scalars()
        return [(e.handoff_id, json.loads(e.detail)) for e in rows]


def test_an_urgent_chat_left_unclaimed_alerts_again_each_interval(service, clock, session_factory):
    urgent = service.request("c1", "socketio", "red flag: new lump", priority="urgent").handoff.id
    service.request("c2", "socketio", "asked for a nurse")  # not urgent: never alerted again
    clock.advance(minutes=4, seconds=59)
    assert realert_unclaimed(service, EVERY) == 0
    clock.advance(seconds=1)
    assert realert_unclaimed(service, EVERY) == 1
    assert realert_unclaimed(service, EVERY) == 0  # another process sweeping at once alerts nothing more
    assert realerts(session_factory) == [(urgent, {"waited_seconds": 300})]
    clock.advance(minutes=4)
    assert realert_unclaimed(service, EVERY) == 0  # five minutes after the last alert, not after arriving
    clock.advance(minutes=1)
    assert realert_unclaimed(service, EVERY) == 1
    assert realerts(session_factory)[-1] == (urgent, {"waited_seconds": 600})


def test_a_claimed_urgent_chat_is_not_alerted_again_and_zero_turns_it_off(service, clock, nurses):
    claimed = service.request("c1", "rest", "red flag", priority="urgent").handoff.id
    service.claim(claimed, nurses[0].id)
    service.request("c2", "rest", "red flag", priority="urgent")
    clock.advance(hours=1)
    assert realert_unclaimed(service, dt.timedelta(0)) == 0
    assert realert_unclaimed(service, EVERY) == 1  # only the one still waiting


def test_the_sweep_alerts_again_with_the_configured_time(service, clock, hours, session_factory):
    times = JourneyTimes(urgent_realert=dt.timedelta(minutes=2))
    sweeper = HandoffSweeper(lambda: journey_for(service, hours, times))
    clock.now = dt.datetime(2026, 11, 23, 11, 0, tzinfo=dt.timezone.utc)  # a Monday, the helpline open
    urgent = service.request("c1", "socketio", "red flag", priority="urgent").handoff.id
    clock.advance(minutes=2)
    assert sweeper.sweep_once().realerted == 1
    assert [handoff for handoff, _ in realerts(session_factory)] == [urgent]


def test_a_nurse_is_available_or_away_and_each_change_is_audited(service, nurses, session_factory):
    availability = NurseAvailability(service)
    assert availability.set(nurses[0].id, "away") == "away"
    assert availability.set(nurses[0].id, "away") == "away"  # no change: no event
    with session_factory() as session:
        assert session.get(Nurse, nurses[0].id).availability == "away"
        assert session.get(Nurse, nurses[1].id).availability == "available"
        events = session.execute(select(HandoffEvent).where(HandoffEvent.kind == "availability")).scalars().all()
    assert [(e.nurse_id, e.handoff_id) for e in events] == [(nurses[0].id, None)]
    with pytest.raises(HandoffError):
        availability.set(nurses[0].id, "busy")
