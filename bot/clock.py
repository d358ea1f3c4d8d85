"""The current time, from one place, so tests can set it for every process without waiting."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Callable, Mapping, Optional

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
CLOCK_FILE_VARIABLE = "HELPLINE_CLOCK_FILE"


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class FileClock:
    """For tests: the time written in a file (ISO 8601 with offset), running on from when it was written."""

    def __init__(self, path: Path):
        self._path = path

    def __call__(self) -> dt.datetime:
        written = os.stat(self._path).st_mtime
        moment = dt.datetime.fromisoformat(self._path.read_text(encoding="utf-8").strip())
        if moment.tzinfo is None:
            raise ValueError(f"{self._path} needs a time with a UTC offset, e.g. 2026-11-23T10:00:00+00:00")
        elapsed = max(0.0, dt.datetime.now(dt.timezone.utc).timestamp() - written)
        return moment + dt.timedelta(seconds=elapsed)

    @staticmethod
    def set(path: Path, moment: dt.datetime) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(moment.isoformat(), encoding="utf-8")
        os.replace(tmp, path)


def clock_from_env(env: Mapping[str, str]) -> Clock:
    """The system clock, unless HELPLINE_CLOCK_FILE names a test clock file."""
    from bot.config import Settings

    return clock_for(Settings.from_env(env).clock_file)


def clock_for(path: Optional[Path]) -> Clock:
    """The system clock, or the test clock in `path` (Settings.clock_file)."""
    if path is None:
        return system_clock
    logger.warning("the clock is read from %s (%s): for tests only", path, CLOCK_FILE_VARIABLE)
    return FileClock(path)
