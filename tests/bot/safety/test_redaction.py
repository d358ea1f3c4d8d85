"""Redaction of personal details, in text, in tracker events, and in the handoff tables."""

from __future__ import annotations

import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.safety.redaction import Redactor
from bot.safety.tracker_store import RedactingSQLTrackerStore

PERSONAL = {
    "phone": "07700 900123",
    "email": "jane.doe@example.com",
    "nhs_number": "943 476 5919",
    "postcode": "SW1A 1AA",
    "date_of_birth": "12/03/1961",
    "name": "Jane Smith",
}
MESSAGE = (
    "Hi, my name is Jane Smith, born 12/03/1961, NHS number 943 476 5919. "
    "I live at SW1A 1AA, ring me on 07700 900123 or email jane.doe@example.com"
)


@pytest.fixture(scope="module")
def redactor():
    return Redactor()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ring me on 07700900123", "ring me on [phone]"),
        ("+44 7700 900123 is my mobile", "[phone] is my mobile"),
        ("email jane.doe@example.com pls", "email [email] pls"),
        ("my nhs number is 943 476 5919", "my nhs number is [NHS number]"),
        ("I live at SW1A 1AA", "I live at [postcode]"),
        ("born on 3rd March 1961", "[date of birth]"),
        ("Hi, I'm Jane", "Hi, I'm [name]"),
        ("my name is jane", "my name is [name]"),
        ("I'm scared it's back", "I'm scared it's back"),
        ("I had 3 cycles of chemo in 2019", "I had 3 cycles of chemo in 2019"),
        ("my appointment is on 12/03/2026", "my appointment is on 12/03/2026"),
    ],
)
def test_redacts_each_kind(redactor, text, expected):
    assert redactor.redact(text) == expected


def test_everything_in_one_message(redactor):
    redacted = redactor.redact(MESSAGE)
    for value in PERSONAL.values():
        assert value not in redacted
    assert "Smith" not in redacted and "1961" not in redacted


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


def test_handoff_tables_store_only_redacted_text(service, session_factory, nurses):
    handoff = service.request("c1", "rest", "asked", transcript=[("person", MESSAGE), ("bot", "Hello")]).handoff
    service.person_says("c1", "my email is jane.doe@example.com")
    service.leave_message("c2", "rest", "please ring 07700 900123")
    with session_factory() as session:
        dump = "\n".join(session.connection().connection.iterdump())
    for value in PERSONAL.values():
        assert value not in dump
    _, transcript = service.detail(handoff.id)
    assert transcript[0].text.startswith("Hi, my name is [name]")  # what the nurse sees
