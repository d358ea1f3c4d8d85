"""Earlier turns of a conversation, read from Rasa's tracker store for the nurse's transcript.

The Rasa server loads only a window of a long conversation (bot/tracker_window.py), so the action
server sees only recent turns; a nurse taking over sees up to 50. Text there is already redacted.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import MetaData, Table, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import NoSuchTableError

Turn = Tuple[str, str]  # ("person" | "bot", text)
SPEAKERS = {"user": "person", "bot": "bot"}
PAYLOAD_PREFIX = "/"  # "/request_nurse": sent by a button or by the page, not typed
EVENT_LINE = "[{intent}]"  # what stands in the transcript for a payload no button offered


def spoken_turns(events: Sequence[Dict[str, Any]]) -> List[Turn]:
    """Rasa's user and bot events as the nurse should read them.

    A payload is never shown as the person's words: a button's payload shows as that button's title
    (from the bot message that offered it); any other payload ("/greet", sent by the widget when it
    opens, or NURSE by SMS) shows as an event line naming its intent, "[request_nurse]".
    """
    turns: List[Turn] = []
    offered: Dict[str, str] = {}
    for event in events:
        kind, text = event.get("event"), event.get("text")
        if kind == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            if buttons:
                offered = {str(b["payload"]): str(b["title"]) for b in buttons if b.get("payload") and b.get("title")}
            if text:
                turns.append(("bot", text))
        elif kind == "user" and text:
            if text.startswith(PAYLOAD_PREFIX):
                intent = text[len(PAYLOAD_PREFIX) :].split("{", 1)[0].split("@", 1)[0]
                turns.append(("person", offered.get(text) or EVENT_LINE.format(intent=intent)))
            else:
                turns.append(("person", text))
    return turns


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
