"""Earlier turns of a conversation, read straight from the table Rasa's SQL tracker store writes.

The Rasa server loads only a window of a long conversation (tracker_window.py), so the action
server sees only recent turns; a nurse taking over sees up to 50. Text there is already redacted.
The table's name and columns are Rasa's (`SQLTrackerStore.SQLEvent`), not ours.
"""

from __future__ import annotations

import json
from typing import List, Optional

from sqlalchemy import MetaData, Table, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import NoSuchTableError

from bot.transcripts import SPEAKERS, Turn, spoken_turns


class TranscriptStore:
    def __init__(self, engine: Engine):
        self._engine = engine
        self._events: Optional[Table] = None

    def _table(self) -> Optional[Table]:
        if self._events is None:
            try:
                self._events = Table("events", MetaData(), autoload_with=self._engine)
            except NoSuchTableError:  # nothing stored yet
                return None
        return self._events

    def turns_before(self, sender_id: str, before: float, limit: int) -> List[Turn]:
        """Up to `limit` turns of the current session stored before the timestamp `before`, oldest first."""
        events = self._table()
        if events is None or limit <= 0:
            return []
        session_start = (
            select(func.max(events.c.timestamp))
            .where(events.c.sender_id == sender_id, events.c.type_name == "session_started")
            .scalar_subquery()
        )
        query = (
            select(events.c.type_name, events.c.data)
            .where(
                events.c.sender_id == sender_id,
                events.c.type_name.in_(tuple(SPEAKERS)),
                events.c.timestamp < before,
                (events.c.timestamp >= session_start) | session_start.is_(None),
            )
            .order_by(events.c.id.desc())
            .limit(limit)
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return spoken_turns([{**json.loads(data), "event": kind} for kind, data in reversed(rows)])
