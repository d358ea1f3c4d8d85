"""The project's SQL tracker store (endpoints.yml): a bounded window (tracker_window.py), personal details redacted.

Building it changes nothing else in Rasa: the runtime patches are applied by `bot.rasa_runtime.install()`.
"""

from __future__ import annotations

import copy
from typing import Any, Iterator, Optional

from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime.outage import through_outage
from bot.rasa_runtime.tracker_window import WindowedSQLTrackerStore
from bot.safety.redaction import shared_redactor


def redact_event(event: Event) -> Event:
    """A copy of the event with personal details replaced; the live tracker is left as it was."""
    redact = shared_redactor().redact
    if isinstance(event, UserUttered):
        text = redact(event.text)
        parse_data: dict[str, Any] = copy.deepcopy(dict(event.parse_data or {}))
        if "text" in parse_data:
            parse_data["text"] = text
        return UserUttered(
            text=text,
            intent=event.intent,
            entities=event.entities,
            parse_data=parse_data,
            timestamp=event.timestamp,
            input_channel=event.input_channel,
            message_id=event.message_id,
            metadata=event.metadata,
            use_text_for_featurization=event.use_text_for_featurization,
        )
    if isinstance(event, SlotSet) and isinstance(event.value, str):
        return SlotSet(event.key, redact(event.value), timestamp=event.timestamp, metadata=event.metadata)
    return event


class RedactingSQLTrackerStore(WindowedSQLTrackerStore):
    """Every event reaches the database through `_additional_events`, so redaction here cannot be skipped."""

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        for event in super()._additional_events(session, tracker):
            yield redact_event(event)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """An unreachable database reaches the channel, not Rasa's silent in-memory fallback (outage.py)."""
        return await through_outage(lambda: super(RedactingSQLTrackerStore, self).retrieve(sender_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        """As `retrieve`: a turn that cannot be stored fails, so the person is asked to send it again."""
        await through_outage(lambda: super(RedactingSQLTrackerStore, self).save(tracker))
