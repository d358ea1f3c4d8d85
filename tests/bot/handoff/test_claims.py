"""Transfers: the nurse looking after a chat passes it to a signed-in colleague, or back to the queue, with a note."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.handoff.claims import Claims, NotSignedIn
from bot.handoff.notes import HandoffNotes
from bot.handoff.service import Conflict, HandoffError, NotFound
from bot.handoff.timing import JourneyTimes


@pytest.fixture
def claims(service) -> Claims:
    return Claims(service, service._wording, JourneyTimes())


def signed_in(claims: Claims, clock, *nurses) -> None:
    for nurse in nurses:
        claims.signed_in(nurse.id, clock.now + dt.timedelta(hours=8))


def test_a_transfer_to_a_signed_in_colleague_is_theirs_with_the_note_and_audited(service, claims, clock, nurses):
    jo, sam = nurses
    signed_in(claims, clock, jo, sam)
    handoff = service.request("c1", "socketio", "asked", transcript=[("person", "hi")]).handoff
    claimed = service.claim(handoff.id, jo.id)
    clock.advance(minutes=5)
    passed = claims.transfer(handoff.id, jo.id, sam.id, "She would like a call back after 3pm.")
    assert (passed.state, passed.claimed_by, passed.claimed_by_name) == ("claimed", sam.id, "Nurse 2")
    assert passed.claimed_at == claimed.claimed_at  # the person's wait stays what it was
    assert [h.id for h in service.claimed_by_nurse(sam.id)] == [handoff.id] and service.claimed_by_nurse(jo.id) == []
    _, messages = service.detail(handoff.id)
    assert [m.text for m in messages[-2:]] == [
        "Passed to Nurse 2 by Nurse 1.",
        "Nurse 2, one of our specialist nurses, has joined the chat.",
    ]
    told = [m.text for m in service.pending_for("c1")]
    assert told[-1] == "Nurse 2, one of our specialist nurses, has joined the chat."
    assert all("3pm" not in text for text in told + [m.text for m in messages])  # the note is for nurses only
    [note] = HandoffNotes(service).on(handoff.id)
    assert (note.nurse_id, note.text) == (jo.id, "She would like a call back after 3pm.")
    event = service.events_since(0)[-1]
    assert (event.kind, event.actor, event.detail) == (
        "transferred",
        "nurse",
        {"to_nurse": sam.id, "note": "She would like a call back after 3pm."},
    )
    service.reply(handoff.id, sam.id, "Hello, I'm Sam.")  # the colleague answers
    with pytest.raises(Conflict):
        service.reply(handoff.id, jo.id, "Still me?")


def test_a_transfer_back_to_the_queue_tells_the_person_their_place(service, claims, clock, nurses):
    jo, _ = nurses
    handoff = service.request("c1", "rest", "asked").handoff
    service.claim(handoff.id, jo.id)
    view = claims.transfer(handoff.id, jo.id, None, None)
    assert (view.state, view.claimed_by) == ("waiting", None)
    assert service.detail(handoff.id)[1][-1].text == "Back in the queue: released by Nurse 1."
    assert "You're back in the queue, number 1" in service.pending_for("c1")[-1].text
    assert service.events_since(0)[-1].detail == {"to_nurse": None, "note": None}
    assert HandoffNotes(service).on(handoff.id) == []  # no note, none stored


def test_a_transfer_needs_your_claim_and_a_signed_in_active_colleague(service, claims, clock, nurses, accounts):
    jo, sam = nurses
    handoff = service.request("c1", "rest", "asked").handoff
    with pytest.raises(Conflict):
        claims.transfer(handoff.id, jo.id, sam.id, None)  # nobody has claimed it
    service.claim(handoff.id, jo.id)
    with pytest.raises(NotSignedIn) as not_signed_in:
        claims.transfer(handoff.id, jo.id, sam.id, None)
    assert not_signed_in.value.name == "Nurse 2"
    signed_in(claims, clock, sam)
    with pytest.raises(Conflict):
        claims.transfer(handoff.id, sam.id, jo.id, None)  # Sam does not have it
    with pytest.raises(Conflict):
        claims.transfer(handoff.id, jo.id, jo.id, None)  # to oneself
    with pytest.raises(NotFound):
        claims.transfer(handoff.id + 100, jo.id, sam.id, None)
    with pytest.raises(HandoffError):
        claims.transfer(handoff.id, jo.id, sam.id + 100, None)  # no such nurse
    with pytest.raises(HandoffError):
        claims.transfer(handoff.id, jo.id, sam.id, "x" * 2001)
    claims.signed_out(sam.id)
    with pytest.raises(NotSignedIn):
        claims.transfer(handoff.id, jo.id, sam.id, None)
    signed_in(claims, clock, sam)
    accounts.set_active(sam.id, False)
    with pytest.raises(HandoffError):
        claims.transfer(handoff.id, jo.id, sam.id, None)
    view, _ = service.detail(handoff.id)
    assert (view.state, view.claimed_by) == ("claimed", jo.id)  # every refusal left it as it was
    assert [e.kind for e in service.events_since(0)].count("transferred") == 0
