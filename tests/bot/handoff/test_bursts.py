"""Urgent requests arriving together are flagged to the nurse (issue 13), and only those."""

from __future__ import annotations

import datetime as dt

from bot.handoff.bursts import urgent_bursts
from bot.limits import BURST_MIN_URGENT, BURST_WINDOW_SECONDS

START = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.timezone.utc)


def _at(seconds: float) -> dt.datetime:
    return START + dt.timedelta(seconds=seconds)


def test_enough_urgent_requests_together_are_a_burst_and_each_knows_its_size():
    created = {i: _at(i) for i in range(BURST_MIN_URGENT)}
    assert urgent_bursts(created) == {i: BURST_MIN_URGENT for i in range(BURST_MIN_URGENT)}


def test_one_fewer_is_not_a_burst():
    assert urgent_bursts({i: _at(i) for i in range(BURST_MIN_URGENT - 1)}) == {}


def test_requests_spread_wider_than_the_window_are_not_a_burst():
    spaced = {i: _at(i * (BURST_WINDOW_SECONDS + 1)) for i in range(BURST_MIN_URGENT + 2)}
    assert urgent_bursts(spaced) == {}


def test_a_late_urgent_request_outside_the_burst_is_not_flagged():
    created = {i: _at(i) for i in range(BURST_MIN_URGENT)}
    created[99] = _at(10 * BURST_WINDOW_SECONDS)
    assert 99 not in urgent_bursts(created)
    assert set(urgent_bursts(created)) == set(range(BURST_MIN_URGENT))


def test_the_queue_flags_urgent_requests_that_arrive_together_and_never_normal_ones(service, clock):
    service.request("normal", "rest", "asked for a nurse")
    for n in range(BURST_MIN_URGENT):
        service.request(f"urgent-{n}", "rest", "urgent symptom", priority="urgent")
        clock.advance(seconds=5)
    clock.advance(seconds=BURST_WINDOW_SECONDS * 5)
    service.request("later", "rest", "urgent symptom", priority="urgent")
    bursts = {item.handoff.conversation_id: item.burst for item in service.queue()}
    assert bursts == {**{f"urgent-{n}": BURST_MIN_URGENT for n in range(BURST_MIN_URGENT)}, "later": 0, "normal": 0}
