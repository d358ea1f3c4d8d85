"""The test clock file moves every process's time without waiting."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.clock import FileClock, clock_from_env, system_clock


def test_system_clock_by_default():
    assert clock_from_env({}) is system_clock


def test_file_clock_follows_the_file(tmp_path):
    path = tmp_path / "clock"
    FileClock.set(path, dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc))
    clock = clock_from_env({"HELPLINE_CLOCK_FILE": str(path)})
    first = clock()
    assert dt.timedelta(0) <= first - dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc) < dt.timedelta(seconds=5)
    FileClock.set(path, dt.datetime(2026, 11, 21, 14, 0, tzinfo=dt.timezone.utc))
    assert clock().date() == dt.date(2026, 11, 21)


def test_naive_time_in_file_is_refused(tmp_path):
    path = tmp_path / "clock"
    path.write_text("2026-11-23T10:00:00")
    with pytest.raises(ValueError, match="UTC offset"):
        FileClock(path)()
