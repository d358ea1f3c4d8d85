"""A seeded helpline: conversations in the tracker, handoffs with their audit trail, feedback; known counts."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import update

from bot.db import make_engine
from bot.feedback.store import FeedbackStore
from bot.handoff.models import Handoff
from bot.rasa_runtime.tracker_store import RedactingSQLTrackerStore
from bot.reports.service import Reports

LONDON = ZoneInfo("Europe/London")
# Two days in summer time (UTC+1): 9:30 local is 8:30 UTC.
DAY_1 = dt.date(2026, 6, 1)
DAY_2 = dt.date(2026, 6, 2)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), LONDON).astimezone(dt.timezone.utc)


def turn(text: str, channel: str, when: dt.datetime, intent: str = "ask_what_is_recurrence", confidence: float = 0.9):
    parse = {"intent": {"name": intent, "confidence": confidence}, "text": text, "entities": []}
    return UserUttered(text, parse["intent"], parse_data=parse, input_channel=channel, timestamp=when.timestamp())


def answer(content_id: str, when: dt.datetime):
    metadata = {"utter_action": "utter_content_answer", "content_id": content_id}
    return BotUttered("an answer", metadata=metadata, timestamp=when.timestamp())


def save(store, sender: str, events) -> None:
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))


@dataclass
class Seeded:
    reports: Reports
    tracker_engine: object
    nurses: list


@pytest.fixture
def tracker_store(tmp_path):
    store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    return store, make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")


@pytest.fixture
def seeded(session_factory, service, clock, nurses, tracker_store):
    """Day 1: 2 web conversations at 9 (3 messages, 2 answers) and 1 SMS at 14; day 2: 1 web at 23:30 local.

    Handoffs on day 1: live normal claimed after 5 min by nurse 1, who replies and closes it ("Information given");
    live urgent claimed after 1 min by nurse 2, handed back; live normal cancelled; live normal abandoned;
    a message left, claimed after 60 min and answered after 90 min by nurse 1. Feedback: symptoms-general
    helpful twice and not once; CSAT 4 and 5.
    """
    store, tracker_engine = tracker_store
    save(
        store,
        "web-a",
        [
            turn("what is recurrence", "socketio", at(DAY_1, 9, 5)),
            answer("symptoms-general", at(DAY_1, 9, 6)),
            turn("thanks", "socketio", at(DAY_1, 9, 7), intent="thank"),
        ],
    )
    save(store, "web-b", [turn("signs?", "socketio", at(DAY_1, 9, 40)), answer("symptoms-general", at(DAY_1, 9, 41))])
    save(store, "sms-c", [turn("hello", "twilio", at(DAY_1, 14, 0), intent="greet")])
    save(store, "web-d", [turn("late", "socketio", at(DAY_2, 23, 30), intent="greet")])

    first, second = nurses
    clock.now = at(DAY_1, 10)
    one = service.request("web-a", "socketio", "asked", transcript=[("person", "hi")]).handoff
    clock.advance(minutes=5)
    service.claim(one.id, first.id)
    service.reply(one.id, first.id, "hello")
    service.close(one.id, first.id, "Information given")
    clock.now = at(DAY_1, 11)
    two = service.request("web-b", "socketio", "red flag", priority="urgent", transcript=[("person", "hi")]).handoff
    clock.advance(minutes=1)
    service.claim(two.id, second.id)
    service.hand_back(two.id, second.id)
    service.request("sms-c", "twilio", "asked", transcript=[("person", "hi")])
    service.cancel_by_person("sms-c")
    gone = service.request("web-e", "socketio", "asked", transcript=[("person", "hi")]).handoff
    with session_factory() as session, session.begin():
        session.execute(update(Handoff).where(Handoff.id == gone.id).values(state="abandoned", ended_at=clock.now))
    clock.now = at(DAY_1, 19)
    left = service.leave_message("web-f", "socketio", "please call")
    clock.advance(minutes=60)
    service.claim(left.id, first.id)
    clock.advance(minutes=30)
    service.reply(left.id, first.id, "here is the answer")

    feedback = FeedbackStore(session_factory, clock)
    feedback.record_helpful("web-a", "socketio", "symptoms-general", True)
    feedback.record_helpful("web-b", "socketio", "symptoms-general", True)
    feedback.record_helpful("web-g", "socketio", "symptoms-general", False, "the words")
    feedback.record_csat("web-a", "socketio", 4, one.id)
    feedback.record_csat("web-h", "socketio", 5, None)
    reports = Reports(session_factory, lambda: tracker_engine, lambda: LONDON, clock)
    return Seeded(reports, tracker_engine, nurses)
