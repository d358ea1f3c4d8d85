"""The admins' reports for a range of days: every figure from the daily facts, kept or still derivable, and feedback."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.clock import Clock
from bot.feedback.models import Feedback, FeedbackKind
from bot.handoff.models import Kind, Nurse, Priority, State
from bot.reports import facts as f
from bot.reports.counts import kept_facts, stored_handoff_facts, stored_tracker_facts
from bot.reports.facts import Facts, day_bounds
from bot.reports.learning import Learning

MAX_DAYS = 366
DEFAULT_DAYS = 30


def _median(values: Counter) -> Optional[float]:
    """The median of {value: how many}."""
    expanded = sorted(v for value, n in values.items() for v in [value] * n)
    return statistics.median(expanded) if expanded else None


def _by(facts: Facts, kind: str, *, part: Optional[int] = None) -> Counter:
    """{detail (or one part of it): count} for one kind."""
    out: Counter = Counter()
    for (_, fact_kind, detail), n in facts.items():
        if fact_kind == kind:
            out[f.split(detail)[part] if part is not None else detail] += n
    return out


def _rows(counter: Counter, key: str, value: str = "count") -> List[Dict[str, Any]]:
    return [{key: k, value: n} for k, n in sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))]


class Reports:
    """Each call is one unit of work, safe to run in a worker thread."""

    def __init__(
        self, sessions: sessionmaker, tracker: Callable[[], Optional[Engine]], tz: Callable[[], dt.tzinfo], clock: Clock
    ):
        self._sessions = sessions
        self._tracker = tracker  # built on first use: the console may start before Rasa has stored anything
        self._tz = tz  # the helpline's time zone, re-read with config/helpline.yml
        self._now = clock
        self.learning = Learning(sessions, tracker, tz)

    def today(self) -> dt.date:
        return self._now().astimezone(self._tz()).date()

    def date_range(self, first: Optional[dt.date], last: Optional[dt.date]) -> Tuple[dt.date, dt.date]:
        """The days between the two given, either way round; the last DEFAULT_DAYS up to today when not given.

        A longer span keeps its last MAX_DAYS days; the report names the days it covers.
        """
        last = last or self.today()
        first = first or last - dt.timedelta(days=DEFAULT_DAYS - 1)
        first, last = min(first, last), max(first, last)
        return max(first, last - dt.timedelta(days=MAX_DAYS - 1)), last

    def facts(self, first: dt.date, last: dt.date) -> Facts:
        """Kept facts plus those of what is still stored: retention moves each fact from one to the other."""
        tz = self._tz()
        with self._sessions() as session:
            facts = kept_facts(session, first, last)
            facts.update(stored_handoff_facts(session, first, last, tz))
        facts.update(stored_tracker_facts(self._tracker(), first, last, tz))
        return facts

    def feedback(self, first: dt.date, last: dt.date) -> List[Tuple[str, Optional[str], int]]:
        """(kind, entry, rating) of the feedback given in the range; retention keeps it, anonymised, on its day."""
        start, end = day_bounds(first, last, self._tz())
        with self._sessions() as session:
            rows = session.execute(
                select(Feedback.kind, Feedback.content_id, Feedback.rating).where(
                    Feedback.created_at >= start, Feedback.created_at < end
                )
            ).all()
        return [(kind, content_id, rating) for kind, content_id, rating in rows]

    def content_use(self) -> Dict[str, Dict[str, Any]]:
        """Per entry, over the last MAX_DAYS days: the day it was last served, and its yes and no verdicts."""
        first, last = self.date_range(self.today() - dt.timedelta(days=MAX_DAYS - 1), None)
        use: Dict[str, Dict[str, Any]] = defaultdict(lambda: {"last_served": None, "helpful": 0, "not_helpful": 0})
        for (day, kind, entry), _ in sorted(self.facts(first, last).items()):
            if kind == f.ANSWERS:
                use[entry]["last_served"] = day.isoformat()
        for row in feedback_figures(self.feedback(first, last))["helpfulness"]:
            use[row["content_id"]].update(helpful=row["helpful"], not_helpful=row["not_helpful"])
        return dict(use)

    def nurse_names(self) -> Dict[str, str]:
        with self._sessions() as session:
            return {str(i): name for i, name in session.execute(select(Nurse.id, Nurse.display_name))}

    def report(self, first: Optional[dt.date] = None, last: Optional[dt.date] = None) -> Dict[str, Any]:
        first, last = self.date_range(first, last)
        facts = self.facts(first, last)
        return {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "time_zone": str(self._tz()),
            "volumes": volumes(facts, first, last),
            "answers": _rows(_by(facts, f.ANSWERS), "content_id", "answers"),
            "handoffs": handoffs(facts),
            "waits": waits(facts),
            "left_message_turnaround": turnaround(facts),
            "outcomes": _rows(_by(facts, f.OUTCOMES), "outcome"),
            "nurses": nurse_load(facts, self.nurse_names()),
            **feedback_figures(self.feedback(first, last)),
        }


def volumes(facts: Facts, first: dt.date, last: dt.date) -> Dict[str, Any]:
    """Conversations and messages by day, hour of the day and channel; handoffs by day and channel."""
    days: Dict[dt.date, Counter] = {first + dt.timedelta(days=i): Counter() for i in range((last - first).days + 1)}
    hours: Dict[int, Counter] = {h: Counter() for h in range(24)}
    channels: Dict[str, Counter] = defaultdict(Counter)
    for (day, kind, detail), n in facts.items():
        parts = f.split(detail)
        if kind in (f.CONVERSATIONS, f.USER_MESSAGES):
            name = "conversations" if kind == f.CONVERSATIONS else "messages"
            days[day][name] += n
            hours[int(parts[1])][name] += n
            channels[parts[0]][name] += n
        elif kind == f.HANDOFFS:
            days[day]["handoffs"] += n
            channels[parts[3]]["handoffs"] += n
    names = ("conversations", "messages", "handoffs")
    return {
        "by_day": [{"day": d.isoformat(), **{k: c[k] for k in names}} for d, c in days.items()],
        "by_hour": [
            {"hour": h, "conversations": c["conversations"], "messages": c["messages"]} for h, c in hours.items()
        ],
        "by_channel": [{"channel": ch, **{k: c[k] for k in names}} for ch, c in sorted(channels.items())],
    }


def handoffs(facts: Facts) -> Dict[str, Any]:
    """By priority and by disposition (how each ended, or its state now), with abandonment and cancellations."""
    rows = _by(facts, f.HANDOFFS)
    by_priority: Counter = Counter()
    by_state: Counter = Counter()
    live: Counter = Counter()
    for value, n in rows.items():
        kind, priority, state, _ = f.split(value)
        by_priority[priority] += n
        by_state[state] += n
        if kind == Kind.LIVE:
            live[state] += n
    requested = sum(live.values())
    return {
        "total": sum(rows.values()),
        "live": requested,
        "messages_left": sum(rows.values()) - requested,
        "by_priority": _rows(by_priority, "priority"),
        "by_disposition": _rows(by_state, "disposition"),
        "abandoned": live[State.ABANDONED],
        "cancelled": live[State.CANCELLED],
        "abandonment_rate": round(live[State.ABANDONED] / requested, 3) if requested else None,
    }


def waits(facts: Facts) -> List[Dict[str, Any]]:
    """Median wait to the first claim, live chats and left messages, urgent and normal."""
    groups: Dict[Tuple[str, str], Counter] = {
        (k, p): Counter() for k in Kind for p in (Priority.URGENT, Priority.NORMAL)
    }
    for value, n in _by(facts, f.WAITS).items():
        kind, priority, seconds = f.split(value)
        groups.setdefault((kind, priority), Counter())[int(seconds)] += n
    return [
        {"kind": k, "priority": p, "claimed": sum(c.values()), "median_wait_seconds": _median(c)}
        for (k, p), c in groups.items()
    ]


def turnaround(facts: Facts) -> Dict[str, Any]:
    seconds = Counter({int(value): n for value, n in _by(facts, f.TURNAROUND).items()})
    return {"answered": sum(seconds.values()), "median_seconds": _median(seconds)}


def nurse_load(facts: Facts, names: Dict[str, str]) -> List[Dict[str, Any]]:
    load: Dict[str, Counter] = defaultdict(Counter)
    for kind, name in ((f.NURSE_CLAIMS, "claimed"), (f.NURSE_REPLIES, "replies"), (f.NURSE_ENDED, "ended")):
        for nurse_id, n in _by(facts, kind).items():
            load[nurse_id][name] += n
    return [
        {
            "nurse_id": int(i),
            "name": names.get(i, ""),
            "claimed": c["claimed"],
            "replies": c["replies"],
            "ended": c["ended"],
        }
        for i, c in sorted(load.items(), key=lambda item: (-item[1]["claimed"], int(item[0])))
    ]


def feedback_figures(rows: Iterable[Tuple[str, Optional[str], int]]) -> Dict[str, Any]:
    """ "Was this helpful?" by entry, and the nurse-chat ratings."""
    entries: Dict[str, Counter] = defaultdict(Counter)
    ratings: Counter = Counter()
    for kind, content_id, rating in rows:
        if kind == FeedbackKind.HELPFUL and content_id:
            entries[content_id]["helpful" if rating else "not_helpful"] += 1
        elif kind == FeedbackKind.CSAT:
            ratings[rating] += 1
    total = sum(ratings.values())
    return {
        "helpfulness": [
            {"content_id": entry, "helpful": c["helpful"], "not_helpful": c["not_helpful"]}
            for entry, c in sorted(entries.items(), key=lambda item: (-sum(item[1].values()), item[0]))
        ],
        "csat": {
            "ratings": total,
            "average": round(sum(r * n for r, n in ratings.items()) / total, 2) if total else None,
            "by_rating": [{"rating": r, "count": ratings[r]} for r in range(1, 6)],
        },
    }
