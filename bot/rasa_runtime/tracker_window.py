"""Rasa's SQL tracker store, loading a bounded window of a long conversation instead of all of it.

Stock Rasa loads every event of the current session for each message, then walks all of them
several times (slots, policies, the action-server payload), so turn 200 costs several times turn 1
(BENCHMARKS.md). This store loads the last `window_events` events plus, from before them, the
latest value of each slot and the latest active form: the state the policies and actions read
(MemoizationPolicy looks 3 turns back). Nothing is dropped from the database, and
`retrieve_full_tracker` still returns everything.

New events are found by counting what was loaded, not by counting the session's rows again.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Dict, Iterator, List, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActiveLoop, AllSlotsReset, Event, Restarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

# How many events were read from the database into this tracker object; only later ones are new.
LOADED_ATTRIBUTE = "_helpline_stored_events"
DEFAULT_WINDOW = 40  # as endpoints.yml sets it


class WindowedSQLTrackerStore(SQLTrackerStore):
    """`window_events: 0` in endpoints.yml turns the window off (stock behaviour)."""

    def __init__(self, *args: Any, window_events: int = DEFAULT_WINDOW, **kwargs: Any) -> None:
        if int(window_events) < 0:
            raise ValueError("window_events must be 0 (off) or a positive number of events")
        self.window_events = int(window_events)
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # Write-ahead log: one sync per commit instead of several, and readers (the action
            # server's transcripts, retention) never block the writer. Still synchronous=FULL.
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        if not self.window_events:
            tracker = await super().retrieve(sender_id)
        else:
            tracker = self._retrieve_window(sender_id)
        if tracker is not None:
            setattr(tracker, LOADED_ATTRIBUTE, len(tracker.events))
        return tracker

    def _retrieve_window(self, sender_id: str) -> Optional[DialogueStateTracker]:
        event = self.SQLEvent
        with self.session_scope() as session:
            session_events = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            newest_first = session_events.order_by(None).order_by(event.id.desc()).limit(self.window_events + 1).all()
            if not newest_first:
                return None
            window = list(reversed(newest_first[: self.window_events]))
            earlier: List[Any] = []
            if len(newest_first) > self.window_events:
                earlier = self._state_before(session_events, window[0].id)
            events = [json.loads(row.data) for row in itertools.chain(earlier, window)]
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _state_before(self, session_events: Any, boundary_id: int) -> List[Any]:
        """The latest value of each slot and the latest form event before the window, after any reset."""
        event = self.SQLEvent
        before = session_events.order_by(None).filter(event.id < boundary_id)
        reset_id = (
            before.filter(event.type_name.in_((Restarted.type_name, AllSlotsReset.type_name)))
            .with_entities(sa.func.max(event.id))
            .scalar()
        )
        if reset_id is not None:
            before = before.filter(event.id > reset_id)
        latest_ids = [
            *before.filter(event.type_name == SlotSet.type_name)
            .with_entities(sa.func.max(event.id))
            .group_by(event.action_name),  # SQLTrackerStore stores a slot event's slot name here
            *before.filter(event.type_name == ActiveLoop.type_name).with_entities(sa.func.max(event.id)),
        ]
        ids = [row[0] for row in latest_ids if row[0] is not None]
        if not ids:
            return []
        return before.filter(event.id.in_(ids)).order_by(event.id).all()

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        loaded = getattr(tracker, LOADED_ATTRIBUTE, None)
        if loaded is None:  # a tracker this store did not load: count the stored rows, as stock Rasa does
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, loaded, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's rows, written with one multi-row INSERT instead of an ORM object per event."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = [_row(tracker.sender_id, event) for event in self._additional_events(session, tracker)]
            if rows:
                session.execute(sa.insert(self.SQLEvent.__table__), rows)
            session.commit()
        setattr(tracker, LOADED_ATTRIBUTE, len(tracker.events))


def _row(sender_id: str, event: Event) -> Dict[str, Any]:
    """The columns SQLTrackerStore.save fills, from the same values."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }
