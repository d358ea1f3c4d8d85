"""Actions run against a real imported SQLite store, with the clock set by each test."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker

from actions import services as service_registry
from actions.services import Services
from bot.content.questions import QuestionReader
from bot.content.schema import TOPICS
from bot.db import make_engine
from bot.handoff.pause import HandoffPause
from bot.handoff.service import HandoffService
from bot.rasa_runtime.transcripts import TranscriptStore
from bot.wording import Wording
from tests.support.clock import FakeClock

LONDON = ZoneInfo("Europe/London")
MONDAY_10AM = dt.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
SATURDAY_2PM = dt.datetime(2026, 11, 21, 14, 0, tzinfo=LONDON)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_10AM)


@pytest.fixture
def tracker_engine(tmp_path):
    """Rasa's tracker database, where earlier turns of a long conversation are read from."""
    engine = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def services(monkeypatch, imported, content_service, hours, clock, tracker_engine):
    built = Services(
        content=content_service,
        hours=hours,
        handoff=HandoffService(imported, clock, Wording.from_domain()),
        now=clock,
        transcripts=TranscriptStore(tracker_engine),
        questions=QuestionReader.from_data(TOPICS),
        wording=Wording.from_domain(),
        pause=HandoffPause(imported, clock),
    )
    monkeypatch.setattr(service_registry, "get_services", lambda: built)
    return built


def make_tracker(
    intent: str,
    entities: Optional[list[dict[str, Any]]] = None,
    slots: Optional[dict[str, Any]] = None,
    ranking: Optional[list[dict[str, Any]]] = None,
    text: str = "",
    events: Optional[list[dict[str, Any]]] = None,
    channel: str = "rest",
) -> Tracker:
    latest = {
        "text": text,
        "metadata": {},
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
    }
    return Tracker(
        sender_id="test-user",
        slots=slots or {},
        latest_message=latest,
        events=(events or []) + [{"event": "user", "text": text, "input_channel": channel}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def entity(name: str, value: str) -> dict[str, Any]:
    return {"entity": name, "value": value}


def events_after(reply: str, earlier_user: bool = True) -> list[dict[str, Any]]:
    """The events of a conversation whose last bot reply was the response `reply`."""
    events = [{"event": "user", "text": "my legs have gone weak and my back hurts"}] if earlier_user else []
    return events + [{"event": "bot", "text": "…", "metadata": {"utter_action": reply}}]
