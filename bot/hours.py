"""Helpline opening hours: open now?, when next?, and may a new handoff start?"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional
from zoneinfo import ZoneInfo

import holidays
import yaml

logger = logging.getLogger(__name__)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SEARCH_DAYS = 400


class HoursConfigError(ValueError):
    """The opening-hours config cannot be used; the message says where."""


@dataclass(frozen=True)
class Window:
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class Closure:
    day: dt.date
    start: Optional[dt.time]
    end: Optional[dt.time]
    reason: str


@dataclass(frozen=True)
class Session:
    """One stretch of opening, as aware datetimes in the helpline's time zone."""

    opens: dt.datetime
    closes: dt.datetime


def _time(value: Any, where: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError as error:
        raise HoursConfigError(f"{where}: {value!r} is not a time like 09:00") from error


@dataclass(frozen=True)
class _Rules:
    """One reading of the config: everything the answers below depend on."""

    weekly: Mapping[int, Window]
    tz: ZoneInfo
    closures: tuple[Closure, ...]
    handoff_cutoff: dt.timedelta
    phone: str
    holidays: Any

    def is_holiday(self, day: dt.date) -> bool:
        return self.holidays is not None and day in self.holidays


def _stamp(path: Path) -> Optional[tuple[int, int]]:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class OpeningHours:
    """Weekly hours minus bank holidays and configured closures, in one time zone.

    Read from a file (`from_file`), they follow the file: an edit to config/helpline.yml takes
    effect in every process at its next question, without a restart. An edit that does not read
    keeps the hours last read, and says why in the log, so a typo never opens or closes the line.
    """

    def __init__(
        self,
        *,
        weekly: Mapping[int, Window],
        timezone: str = "Europe/London",
        closures: tuple[Closure, ...] = (),
        holiday_country: Optional[str] = "GB",
        holiday_subdiv: Optional[str] = "ENG",
        handoff_cutoff: dt.timedelta = dt.timedelta(0),
        phone: str = "",
    ):
        self._read = _Rules(
            weekly=dict(weekly),
            tz=ZoneInfo(timezone),
            closures=closures,
            handoff_cutoff=handoff_cutoff,
            phone=phone,
            holidays=holidays.country_holidays(holiday_country, subdiv=holiday_subdiv) if holiday_country else None,
        )
        self._source: Optional[Path] = None
        self._source_stamp: Optional[tuple[int, int]] = None

    def _rules(self) -> _Rules:
        if self._source is not None:
            stamp = _stamp(self._source)
            if stamp is not None and stamp != self._source_stamp:
                self._source_stamp = stamp
                try:
                    self._read = OpeningHours.from_file(self._source)._read
                    logger.info("opening hours read again from %s", self._source)
                except (OSError, yaml.YAMLError, HoursConfigError, KeyError, TypeError, AttributeError) as error:
                    logger.error("%s does not read (%s): the hours read before stay in force", self._source, error)
        return self._read

    @property
    def weekly(self) -> Mapping[int, Window]:
        return self._rules().weekly

    @property
    def tz(self) -> ZoneInfo:
        return self._rules().tz

    @property
    def closures(self) -> tuple[Closure, ...]:
        return self._rules().closures

    @property
    def handoff_cutoff(self) -> dt.timedelta:
        return self._rules().handoff_cutoff

    @property
    def phone(self) -> str:
        return self._rules().phone

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> OpeningHours:
        weekly: dict[int, Window] = {}
        for name, window in (data.get("opening_hours") or {}).items():
            if name not in WEEKDAYS:
                raise HoursConfigError(f"opening_hours: {name!r} is not a day of the week")
            opens = _time(window.get("opens"), f"opening_hours.{name}.opens")
            closes = _time(window.get("closes"), f"opening_hours.{name}.closes")
            if closes <= opens:
                raise HoursConfigError(f"opening_hours.{name}: closes before it opens")
            weekly[WEEKDAYS.index(name)] = Window(opens, closes)
        closures = []
        for index, item in enumerate(data.get("closures") or ()):
            where = f"closures[{index}]"
            day = item.get("date")
            if isinstance(day, str):
                try:
                    day = dt.date.fromisoformat(day)
                except ValueError:
                    pass
            if not isinstance(day, dt.date):
                raise HoursConfigError(f"{where}.date: {day!r} is not a date like 2026-12-24")
            start = _time(item["from"], f"{where}.from") if item.get("from") else None
            end = _time(item["until"], f"{where}.until") if item.get("until") else None
            closures.append(Closure(day, start, end, str(item.get("reason", ""))))
        bank = data.get("bank_holidays") or {}
        try:
            return cls(
                weekly=weekly,
                timezone=data.get("timezone", "Europe/London"),
                closures=tuple(closures),
                holiday_country=bank.get("country"),
                holiday_subdiv=bank.get("subdiv"),
                handoff_cutoff=dt.timedelta(minutes=int(data.get("handoff_cutoff_minutes", 0))),
                phone=str(data.get("phone", "")),
            )
        except (NotImplementedError, KeyError) as error:
            raise HoursConfigError(f"bank_holidays: {error}") from error

    @classmethod
    def from_file(cls, path: Path) -> OpeningHours:
        """The hours in `path`, following later edits of it; a file that does not read fails here, at start-up."""
        stamp = _stamp(path)
        with open(path, encoding="utf-8") as handle:
            hours = cls.from_mapping(yaml.safe_load(handle) or {})
        hours._source, hours._source_stamp = Path(path), stamp
        return hours

    def is_bank_holiday(self, day: dt.date) -> bool:
        return self._rules().is_holiday(day)

    def sessions_on(self, day: dt.date) -> list[Session]:
        """The day's opening stretches after bank holidays and closures are taken out."""
        rules = self._rules()  # once: next_opening asks day after day, and each read checks the file
        window = rules.weekly.get(day.weekday())
        if window is None or rules.is_holiday(day):
            return []
        spans = [(window.opens, window.closes)]
        for closure in rules.closures:
            if closure.day != day:
                continue
            start = closure.start or dt.time.min
            end = closure.end or dt.time.max
            cut = []
            for opens, closes in spans:
                if start > opens:
                    cut.append((opens, min(closes, start)))
                if end < closes:
                    cut.append((max(opens, end), closes))
            spans = [(a, b) for a, b in cut if a < b]
        return [Session(dt.datetime.combine(day, a, rules.tz), dt.datetime.combine(day, b, rules.tz)) for a, b in spans]

    def _local(self, at: dt.datetime) -> dt.datetime:
        if at.tzinfo is None:
            raise ValueError("opening hours need an aware datetime, not a naive one")
        return at.astimezone(self.tz)

    def current_session(self, at: dt.datetime) -> Optional[Session]:
        local = self._local(at)
        for session in self.sessions_on(local.date()):
            if session.opens <= local < session.closes:
                return session
        return None

    def is_open(self, at: dt.datetime) -> bool:
        return self.current_session(at) is not None

    def accepts_handoffs(self, at: dt.datetime) -> bool:
        """Open, and not within the cut-off before closing."""
        session = self.current_session(at)
        return session is not None and self._local(at) < session.closes - self.handoff_cutoff

    def next_opening(self, at: dt.datetime) -> Session:
        """The first session that opens after `at` (the next one, if open now)."""
        local = self._local(at)
        for offset in range(SEARCH_DAYS):
            for session in self.sessions_on(local.date() + dt.timedelta(days=offset)):
                if session.opens > local:
                    return session
        raise HoursConfigError(f"the helpline never opens in the {SEARCH_DAYS} days after {at.isoformat()}")

    def weekly_summary(self) -> list[tuple[str, str, dt.time, dt.time]]:
        """Runs of consecutive days with the same hours: (first day, last day, opens, closes)."""
        runs: list[tuple[str, str, dt.time, dt.time]] = []
        for index, name in enumerate(WEEKDAYS):
            window = self.weekly.get(index)
            if window is None:
                continue
            if runs and runs[-1][2:] == (window.opens, window.closes) and WEEKDAYS.index(runs[-1][1]) == index - 1:
                runs[-1] = (runs[-1][0], name, window.opens, window.closes)
            else:
                runs.append((name, name, window.opens, window.closes))
        return runs


def clock_time(value: dt.time) -> str:
    """9:00 -> "9am", 12:30 -> "12:30pm": how the helpline writes times."""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def weekly_hours(hours: OpeningHours) -> str:
    """Monday to Friday 9am to 4pm, Saturday 9am to 1pm (from config/helpline.yml)."""
    parts = []
    for first, last, opens, closes in hours.weekly_summary():
        days = first.title() if first == last else f"{first.title()} to {last.title()}"
        parts.append(f"{days} {clock_time(opens)} to {clock_time(closes)}")
    return ", ".join(parts)


@dataclass(frozen=True)
class NextOpening:
    """When the helpline next opens, relative to now: which wording to use and its values."""

    when: str  # "today" | "tomorrow" | "weekday" | "date"
    weekday: str
    date: str
    time: str


def describe_next_opening(hours: OpeningHours, at: dt.datetime) -> NextOpening:
    session = hours.next_opening(at)
    local_now = at.astimezone(hours.tz)
    days = (session.opens.date() - local_now.date()).days
    when = "today" if days == 0 else "tomorrow" if days == 1 else "weekday" if days < 7 else "date"
    return NextOpening(
        when=when,
        weekday=session.opens.strftime("%A"),
        date=f"{session.opens.strftime('%A')} {session.opens.day} {session.opens.strftime('%B')}",
        time=clock_time(session.opens.timetz().replace(tzinfo=None)),
    )
