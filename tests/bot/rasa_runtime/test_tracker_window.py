"""The windowed tracker store: bounded loading, same state, every event stored exactly once."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import PROJECT_ROOT
from bot.rasa_runtime.tracker_window import WindowedSQLTrackerStore

DOMAIN = Domain.load(PROJECT_ROOT / "domain.yml")


def run(coroutine):
    return asyncio.run(coroutine)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "tracker.db"


def store(db, window: int) -> WindowedSQLTrackerStore:
    return WindowedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db), window_events=window)


def turn(i: int) -> list:
    return [
        UserUttered(f"question {i}", {"name": "ask_what_is_recurrence", "confidence": 1.0}, timestamp=1000 + i),
        ActionExecuted("action_answer_from_content", timestamp=1000 + i + 0.1),
        BotUttered(f"answer {i}", timestamp=1000 + i + 0.2),
        ActionExecuted("action_listen", timestamp=1000 + i + 0.3),
    ]


def converse(tracker_store, sender: str, turns: range, extra=lambda i: []) -> DialogueStateTracker:
    """Each turn is one retrieve, new events, one save: what Rasa does per message."""
    for i in turns:
        tracker = run(tracker_store.retrieve(sender)) or DialogueStateTracker(sender, DOMAIN.slots)
        if not tracker.events:
            tracker.update(ActionExecuted("action_session_start", timestamp=999))
            tracker.update(SessionStarted(timestamp=999))
        tracker.update_with_events([*turn(i), *extra(i)], DOMAIN, override_timestamp=False)
        run(tracker_store.save(tracker))
    return tracker


def stored(db, sender: str) -> list[dict]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,))
        return [json.loads(data) for (data,) in rows]


def test_a_long_conversation_loads_a_bounded_window_with_the_same_slots(db):
    windowed = store(db, window=20)

    def slots(i):
        return [SlotSet("recurrence_type", "local" if i < 5 else "secondary", timestamp=1000 + i + 0.15)] + (
            [SlotSet("last_content_id", 7, timestamp=1000 + i + 0.16)] if i == 2 else []
        )

    converse(windowed, "long", range(60), slots)
    tracker = run(windowed.retrieve("long"))
    assert len(tracker.events) <= 20 + 2  # the window, plus the latest value of each earlier slot
    assert tracker.get_slot("recurrence_type") == "secondary"
    assert tracker.get_slot("last_content_id") == 7  # set at turn 2, long before the window
    assert tracker.latest_message.text == "question 59"
    full = run(windowed.retrieve_full_tracker("long"))
    assert full.current_slot_values() == tracker.current_slot_values()


def test_every_event_is_stored_once_and_in_order(db):
    converse(store(db, window=12), "order", range(40))
    events = stored(db, "order")
    users = [e["text"] for e in events if e["event"] == "user"]
    assert users == [f"question {i}" for i in range(40)]
    assert len(events) == 2 + 40 * 4


def columns(db, sender: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        names = "sender_id, type_name, intent_name, action_name, data"
        query = f"SELECT {names} FROM events WHERE sender_id = ? ORDER BY id"
        return connection.execute(query, (sender,)).fetchall()


def test_the_window_stores_the_same_rows_as_rasas_own_store(db, tmp_path):
    """Same conversation, same timestamps: every column as stock SQLTrackerStore writes it."""
    converse(store(db, window=10), "same", range(25))
    stock_db = tmp_path / "stock.db"
    converse(SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(stock_db)), "same", range(25))
    assert columns(db, "same") == columns(stock_db, "same")
    assert any(intent for _, _, intent, _, _ in columns(db, "same"))  # the intent column is filled


def test_a_form_still_active_before_the_window_is_kept(db):
    windowed = store(db, window=8)
    converse(windowed, "form", range(1), lambda i: [ActiveLoop("leave_message_form", timestamp=1001.5)])
    converse(windowed, "form", range(1, 10))
    assert run(windowed.retrieve("form")).active_loop_name == "leave_message_form"


def test_slots_set_before_a_restart_do_not_come_back(db):
    windowed = store(db, window=6)
    converse(windowed, "restart", range(1), lambda i: [SlotSet("recurrence_type", "local", timestamp=1000.5)])
    converse(windowed, "restart", range(1, 2), lambda i: [Restarted(timestamp=1001.5)])
    converse(windowed, "restart", range(2, 8))
    assert run(windowed.retrieve("restart")).get_slot("recurrence_type") is None


def test_a_negative_window_is_refused(db):
    with pytest.raises(ValueError, match="window_events"):
        store(db, window=-1)
