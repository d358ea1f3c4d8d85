"""Internal notes: for nurses only, never in the person's transcript or the outbox, always in the audit trail."""

from __future__ import annotations

import pytest

from bot.handoff.notes import HandoffNotes
from bot.handoff.service import Conflict, HandoffError, NotFound


def test_a_note_is_kept_for_nurses_and_never_reaches_the_person(service, nurses, clock):
    nurse, _ = nurses
    handoff = service.request("c1", "socketio", "asked", transcript=[("person", "hi")]).handoff
    service.claim(handoff.id, nurse.id)
    before = [m.text for m in service.pending_for("c1")]
    clock.advance(minutes=1)
    note = HandoffNotes(service).add(handoff.id, nurse.id, "  Sounds anxious; offer a call back.  ")
    assert (note.text, note.nurse_id, note.nurse_name) == ("Sounds anxious; offer a call back.", nurse.id, "Nurse 1")
    assert note.created_at == clock.now
    assert [m.text for m in service.pending_for("c1")] == before  # nothing new for the person
    _, messages = service.detail(handoff.id)
    assert all("call back" not in m.text for m in messages)  # not in the transcript the person's side is built from
    assert HandoffNotes(service).on(handoff.id) == [note]
    event = service.events_since(0)[-1]
    assert (event.kind, event.handoff_id, event.detail) == (
        "note_added",
        handoff.id,
        {"note_id": note.id, "note": "Sounds anxious; offer a call back."},
    )


def test_only_the_nurse_looking_after_it_writes_a_note(service, nurses):
    nurse, other = nurses
    handoff = service.request("c1", "rest", "asked").handoff
    notes = HandoffNotes(service)
    with pytest.raises(Conflict):
        notes.add(handoff.id, nurse.id, "not claimed yet")
    service.claim(handoff.id, nurse.id)
    with pytest.raises(Conflict):
        notes.add(handoff.id, other.id, "someone else's chat")
    with pytest.raises(NotFound):
        notes.add(handoff.id + 100, nurse.id, "no such chat")
    with pytest.raises(HandoffError):
        notes.add(handoff.id, nurse.id, " \n ")
    with pytest.raises(HandoffError):
        notes.add(handoff.id, nurse.id, "x" * 2001)
    assert notes.on(handoff.id) == []
