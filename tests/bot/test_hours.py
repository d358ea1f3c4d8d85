"""Opening hours at the edges: closing seconds, Saturdays, bank holidays, DST, cut-off."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest

from bot.hours import HoursConfigError, OpeningHours, clock_time, describe_next_opening

LONDON = ZoneInfo("Europe/London")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.mark.parametrize(
    "moment, is_open",
    [
        ("2026-11-23 08:59:59", False),  # Monday, before opening
        ("2026-11-23 09:00:00", True),
        ("2026-11-23 15:59:59", True),
        ("2026-11-23 16:00:00", False),
        ("2026-11-21 12:59:00", True),  # Saturday
        ("2026-11-21 13:00:00", False),
        ("2026-11-22 11:00:00", False),  # Sunday
        ("2026-05-25 10:00:00", False),  # Spring bank holiday Monday
        ("2026-12-25 10:00:00", False),  # Christmas Day
        ("2026-12-24 11:59:59", True),  # configured closure from noon
        ("2026-12-24 12:00:00", False),
    ],
)
def test_open_at_the_edges(hours, moment, is_open):
    assert hours.is_open(at(moment)) is is_open


def test_same_instant_in_utc_and_london_agree_in_summer(hours):
    # 08:30 UTC is 09:30 BST: open. A naive UTC reading would say closed.
    instant = dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.timezone.utc)
    assert hours.is_open(instant)
    assert not hours.is_open(dt.datetime(2026, 7, 1, 15, 30, tzinfo=dt.timezone.utc))


def test_dst_change_weekends(hours):
    # Clocks go forward on Sunday 29 March 2026 and back on Sunday 25 October 2026.
    assert hours.next_opening(at("2026-03-28 14:00")).opens == at("2026-03-30 09:00")
    assert hours.next_opening(at("2026-03-28 14:00")).opens.utcoffset() == dt.timedelta(hours=1)
    assert hours.next_opening(at("2026-10-24 14:00")).opens.utcoffset() == dt.timedelta(0)
    assert hours.is_open(dt.datetime(2026, 3, 30, 8, 0, tzinfo=dt.timezone.utc))  # 09:00 BST


def test_next_opening_skips_sunday_and_bank_holiday(hours):
    # Saturday 2 May 2026 after closing: Sunday closed, Monday 4 May is a bank holiday.
    assert hours.next_opening(at("2026-05-02 13:00")).opens == at("2026-05-05 09:00")


def test_next_opening_when_open_is_the_following_session(hours):
    assert hours.next_opening(at("2026-11-23 10:00")).opens == at("2026-11-24 09:00")


def test_handoff_cut_off_before_closing(hours):
    assert hours.accepts_handoffs(at("2026-11-23 15:44:59"))
    assert not hours.accepts_handoffs(at("2026-11-23 15:45:00"))
    assert hours.is_open(at("2026-11-23 15:45:00"))
    assert not hours.accepts_handoffs(at("2026-11-21 12:45:00"))  # Saturday's earlier close
    assert not hours.accepts_handoffs(at("2026-11-22 10:00:00"))


def test_partial_closure_splits_the_day():
    hours = OpeningHours.from_mapping(
        {
            "opening_hours": {"monday": {"opens": "09:00", "closes": "16:00"}},
            "bank_holidays": {},
            "closures": [{"date": "2026-11-23", "from": "11:00", "until": "12:00", "reason": "training"}],
        }
    )
    sessions = hours.sessions_on(dt.date(2026, 11, 23))
    assert [(s.opens.time(), s.closes.time()) for s in sessions] == [
        (dt.time(9), dt.time(11)),
        (dt.time(12), dt.time(16)),
    ]
    assert hours.next_opening(at("2026-11-23 11:30")).opens == at("2026-11-23 12:00")


def test_describes_next_opening_in_words(hours):
    saturday_afternoon = describe_next_opening(hours, at("2026-11-21 14:00"))
    assert (saturday_afternoon.when, saturday_afternoon.weekday, saturday_afternoon.time) == (
        "weekday",
        "Monday",
        "9am",
    )
    assert describe_next_opening(hours, at("2026-11-23 07:00")).when == "today"
    assert describe_next_opening(hours, at("2026-11-23 17:00")).when == "tomorrow"
    christmas = describe_next_opening(hours, at("2026-12-24 12:30"))
    assert christmas.date == "Tuesday 29 December"


def test_naive_datetimes_are_refused(hours):
    with pytest.raises(ValueError):
        hours.is_open(dt.datetime(2026, 11, 23, 10, 0))


@pytest.mark.parametrize(
    "config, problem",
    [
        ({"opening_hours": {"funday": {"opens": "09:00", "closes": "10:00"}}}, "funday"),
        ({"opening_hours": {"monday": {"opens": "9 o'clock", "closes": "10:00"}}}, "opens"),
        ({"opening_hours": {"monday": {"opens": "12:00", "closes": "10:00"}}}, "closes before"),
        ({"closures": [{"date": "someday"}]}, "closures[0].date"),
    ],
)
def test_bad_config_names_the_problem(config, problem):
    with pytest.raises(HoursConfigError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        OpeningHours.from_mapping(config)


def test_clock_time():
    assert clock_time(dt.time(9)) == "9am"
    assert clock_time(dt.time(12, 30)) == "12:30pm"
    assert clock_time(dt.time(16)) == "4pm"


# ----- an edit of the file takes effect without a restart -----


def _write(path, text: str, mtime: int) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(mtime, mtime))  # an explicit time: edits in one test can be closer than the clock's tick


def test_an_edit_to_the_hours_file_takes_effect_in_a_running_process(tmp_path):
    from bot.config import PROJECT_ROOT

    path = tmp_path / "helpline.yml"
    original = (PROJECT_ROOT / "config" / "helpline.yml").read_text(encoding="utf-8")
    _write(path, original, 1_000_000_000)
    hours = OpeningHours.from_file(path)
    monday = at("2026-11-23 10:00:00")
    assert hours.accepts_handoffs(monday) and hours.phone == "0808 800 6000"

    closed = original.replace("closures:\n", "closures:\n  - {date: 2026-11-23, reason: Staff training}\n")
    _write(path, closed.replace("0808 800 6000", "0808 800 6001"), 2_000_000_000)
    assert not hours.accepts_handoffs(monday) and hours.phone == "0808 800 6001"
    assert hours.next_opening(monday).opens == at("2026-11-24 09:00:00")


def test_an_edit_that_does_not_read_keeps_the_hours_read_before(tmp_path, caplog):
    from bot.config import PROJECT_ROOT

    path = tmp_path / "helpline.yml"
    original = (PROJECT_ROOT / "config" / "helpline.yml").read_text(encoding="utf-8")
    _write(path, original, 1_000_000_000)
    hours = OpeningHours.from_file(path)
    _write(path, original.replace('opens: "09:00", closes: "16:00"}', 'opens: "nine", closes: "16:00"}'), 2_000_000_000)
    assert hours.accepts_handoffs(at("2026-11-23 10:00:00"))
    assert "the hours read before stay in force" in caplog.text
    _write(path, "opening_hours: [not, a, mapping", 3_000_000_000)
    assert hours.accepts_handoffs(at("2026-11-23 10:00:00"))
