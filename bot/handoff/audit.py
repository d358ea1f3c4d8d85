"""The audit trail read back: the console's live feed follows the ids of `handoff_events`."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bot.handoff.models import HandoffEvent
from bot.handoff.unit import HandoffUnit
from bot.handoff.views import EventView


def _event_view(event: HandoffEvent) -> EventView:
    detail = json.loads(event.detail) if event.detail else {}
    at = event.at
    return EventView(event.id, at, event.handoff_id, event.actor, event.kind, detail)


class AuditFeed:
    """Events are written by each change in its own unit of work (`HandoffUnit._event`); this only reads them."""

    def __init__(self, unit: HandoffUnit):
        self._unit = unit

    def events_since(self, last_id: int, limit: int = 200) -> list[EventView]:
        with self._unit._sessions() as session:
            rows = session.execute(
                select(HandoffEvent).where(HandoffEvent.id > last_id).order_by(HandoffEvent.id).limit(limit)
            ).scalars()
            return [_event_view(e) for e in rows]

    def latest_event_id(self) -> int:
        with self._unit._sessions() as session:
            return session.execute(select(func.max(HandoffEvent.id))).scalar() or 0
