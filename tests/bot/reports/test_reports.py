"""Every report against a seeded database with known counts, and the same figures after retention has run."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.reports.export import to_csv
from bot.reports.service import MAX_DAYS
from bot.retention import run_retention
from tests.bot.reports.conftest import DAY_1, DAY_2, LONDON, at


def test_volumes_by_day_hour_and_channel(seeded):
    report = seeded.reports.report(DAY_1, DAY_2)
    by_day = {row["day"]: row for row in report["volumes"]["by_day"]}
    assert by_day["2026-06-01"] == {"day": "2026-06-01", "conversations": 3, "messages": 4, "handoffs": 5}
    assert by_day["2026-06-02"] == {"day": "2026-06-02", "conversations": 1, "messages": 1, "handoffs": 0}
    hours = {row["hour"]: (row["conversations"], row["messages"]) for row in report["volumes"]["by_hour"]}
    assert (hours[9], hours[14], hours[23], hours[10]) == ((2, 3), (1, 1), (1, 1), (0, 0))  # the helpline's hours
    channels = {row["channel"]: row for row in report["volumes"]["by_channel"]}
    assert channels["socketio"] == {"channel": "socketio", "conversations": 3, "messages": 4, "handoffs": 4}
    assert channels["twilio"] == {"channel": "twilio", "conversations": 1, "messages": 1, "handoffs": 1}


def test_answers_handoffs_waits_and_turnaround(seeded):
    report = seeded.reports.report(DAY_1, DAY_2)
    assert report["answers"] == [{"content_id": "symptoms-general", "answers": 2}]
    handoffs = report["handoffs"]
    assert (handoffs["total"], handoffs["live"], handoffs["messages_left"]) == (5, 4, 1)
    assert {r["priority"]: r["count"] for r in handoffs["by_priority"]} == {"normal": 4, "urgent": 1}
    assert {r["disposition"]: r["count"] for r in handoffs["by_disposition"]} == {
        "closed": 1,
        "returned": 1,
        "cancelled": 1,
        "abandoned": 1,
        "claimed": 1,
    }
    assert (handoffs["abandoned"], handoffs["cancelled"], handoffs["abandonment_rate"]) == (1, 1, 0.25)
    waits = {(w["kind"], w["priority"]): (w["claimed"], w["median_wait_seconds"]) for w in report["waits"]}
    assert waits == {
        ("live", "normal"): (1, 300),
        ("live", "urgent"): (1, 60),
        ("message", "normal"): (1, 3600),
        ("message", "urgent"): (0, None),
    }
    assert report["left_message_turnaround"] == {"answered": 1, "median_seconds": 5400}
    assert report["outcomes"] == [{"outcome": "Information given", "count": 1}]


def test_per_nurse_load_helpfulness_and_csat(seeded):
    report = seeded.reports.report(DAY_1, DAY_2)
    first, second = seeded.nurses
    assert report["nurses"] == [
        {"nurse_id": first.id, "name": "Nurse 1", "claimed": 2, "replies": 2, "ended": 1},
        {"nurse_id": second.id, "name": "Nurse 2", "claimed": 1, "replies": 0, "ended": 1},
    ]
    assert report["helpfulness"] == [{"content_id": "symptoms-general", "helpful": 2, "not_helpful": 1}]
    csat = report["csat"]
    assert (csat["ratings"], csat["average"]) == (2, 4.5)
    assert [r["count"] for r in csat["by_rating"]] == [0, 0, 0, 1, 1]


def test_a_range_counts_only_its_days(seeded):
    report = seeded.reports.report(DAY_2, DAY_2)
    assert [row["day"] for row in report["volumes"]["by_day"]] == ["2026-06-02"]
    assert report["handoffs"]["total"] == 0 and report["answers"] == [] and report["csat"]["ratings"] == 0


@pytest.mark.parametrize("cutoff, deleted", [(at(DAY_1, 12), (2, 4)), (at(DAY_2, 12) + dt.timedelta(days=1), (4, 5))])
def test_the_figures_are_the_same_after_retention(seeded, session_factory, cutoff, deleted):
    """Part of the data (cut-off in the middle of day 1) or all of it deleted: every figure is unchanged."""
    before = seeded.reports.report(DAY_1, DAY_2)
    done = run_retention(session_factory, seeded.tracker_engine, cutoff + dt.timedelta(days=90), days=90, tz=LONDON)
    assert (done.conversations, done.handoffs) == deleted
    assert seeded.reports.report(DAY_1, DAY_2) == before


def test_the_csv_has_one_row_per_figure(seeded):
    text = to_csv(seeded.reports.report(DAY_1, DAY_2))
    lines = text.splitlines()
    assert lines[0] == "section,item,measure,value"
    assert "answers,content_id=symptoms-general,answers,2" in lines
    assert "csat,,average,4.5" in lines
    assert "volumes.by_channel,channel=twilio,conversations,1" in lines


def test_a_range_is_taken_either_way_round_and_at_most_a_year_long(seeded):
    assert seeded.reports.date_range(DAY_2, DAY_1) == (DAY_1, DAY_2)
    long_ago = DAY_1 - dt.timedelta(days=400)
    assert seeded.reports.date_range(long_ago, DAY_1) == (DAY_1 - dt.timedelta(days=MAX_DAYS - 1), DAY_1)
    report = seeded.reports.report(long_ago, DAY_1)
    assert (report["from"], report["to"]) == ((DAY_1 - dt.timedelta(days=MAX_DAYS - 1)).isoformat(), DAY_1.isoformat())


def test_content_use_gives_when_each_entry_was_last_served_and_its_verdicts(seeded, clock):
    clock.now = at(DAY_2, 12)
    use = seeded.reports.content_use()
    assert use["symptoms-general"] == {"last_served": "2026-06-01", "helpful": 2, "not_helpful": 1}
