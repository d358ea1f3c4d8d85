"""The configured tracker store: only redacted text reaches the database, and building it changes nothing in Rasa."""

from __future__ import annotations

import asyncio
from logging import getLogRecordFactory

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_runtime.tracker_store import RedactingSQLTrackerStore
from tests.bot.safety.test_redaction import MESSAGE, PERSONAL


def test_tracker_store_writes_only_redacted_text(tmp_path):
    domain = Domain.from_yaml("version: '3.1'\nslots:\n  left_message:\n    type: text\n    mappings: []\n")
    store = RedactingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    tracker = DialogueStateTracker.from_events(
        "person",
        [
            UserUttered(MESSAGE, {"name": "request_nurse"}, parse_data={"text": MESSAGE}),
            SlotSet("left_message", "call me on 07700 900123"),
        ],
        slots=domain.slots,
    )
    asyncio.run(store.save(tracker))
    raw = (tmp_path / "tracker.db").read_bytes().decode("latin-1")
    for value in PERSONAL.values():
        assert value not in raw
    assert "[phone]" in raw and "[name]" in raw
    assert tracker.latest_message.text == MESSAGE  # the live conversation is untouched


def test_building_the_store_patches_nothing(tmp_path):
    def current():
        return vars(RemoteAction)["_validate_action_result"], vars(EndpointConfig)["session"], getLogRecordFactory()

    before = current()
    RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    assert current() == before
    assert vars(RemoteAction)["_validate_action_result"].__module__ == "rasa.core.actions.action"
