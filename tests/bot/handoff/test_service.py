"""Handoff state changes: atomic, one open handoff per conversation, nothing lost."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.handoff.models import HandoffEvent
from bot.handoff.service import Conflict, HandoffError, NotFound


def test_request_creates_one_waiting_handoff_with_transcript(service):
    placed = service.request("c1", "rest", "asked for a nurse", transcript=[("person", "hi"), ("bot", "hello")])
    assert placed.created and placed.position == 1 and placed.handoff.state == "waiting"
    again = service.request("c1", "rest", "asked for a nurse")
    assert not again.created and again.handoff.id == placed.handoff.id
    _, messages = service.detail(placed.handoff.id)
    assert [(m.author, m.text) for m in messages] == [("person", "hi"), ("bot", "hello")]


def test_concurrent_requests_for_one_conversation_make_one_handoff(service):
    barrier = threading.Barrier(4)
    results = []

    def ask():
        barrier.wait()
        results.append(service.request("same", "rest", "asked for a nurse"))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({r.handoff.id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert len(service.queue()) == 1


def test_queue_is_urgent_first_then_oldest(service, clock):
    service.request("old", "rest", "asked")
    clock.advance(minutes=1)
    service.request("newer", "rest", "asked")
    clock.advance(minutes=1)
    service.request("urgent", "rest", "urgent symptom", priority="urgent")
    clock.advance(minutes=1)
    queue = service.queue()
    assert [i.handoff.conversation_id for i in queue] == ["urgent", "old", "newer"]
    assert [i.position for i in queue] == [1, 2, 3]
    assert queue[1].waiting_seconds == 180


def test_claim_race_has_exactly_one_winner(service, nurses):
    handoff = service.request("c1", "rest", "asked").handoff
    barrier = threading.Barrier(len(nurses))
    outcomes = {}

    def claim(nurse):
        barrier.wait()
        try:
            outcomes[nurse.id] = service.claim(handoff.id, nurse.id).claimed_by
        except Conflict:
            outcomes[nurse.id] = "lost"

    threads = [threading.Thread(target=claim, args=(n,)) for n in nurses]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [v for v in outcomes.values() if v != "lost"]
    assert len(winners) == 1 and list(outcomes.values()).count("lost") == 1
    assert service.detail(handoff.id)[0].claimed_by == winners[0]
    assert [e.kind for e in service.events_since(0)] == ["created", "claimed", "claim_lost"]  # the loser is audited
    assert [h.id for h in service.claimed_by_nurse(winners[0])] == [handoff.id]


def test_full_handoff_flow_with_outbox_and_audit(service, nurses, session_factory):
    nurse, other = nurses
    handoff = service.request("c1", "rest", "asked").handoff
    service.claim(handoff.id, nurse.id)
    assert [m.author for m in service.pending_for("c1")] == ["system"]  # "Nurse 1 has joined"
    assert "Nurse 1" in service.pending_for("c1")[0].text
    service.reply(handoff.id, nurse.id, "Hello, I'm here to help")
    assert service.person_says("c1", "thank you").id == handoff.id
    pending = service.pending_for("c1")
    assert [(m.author, m.sender_name, m.text) for m in pending][1] == ("nurse", "Nurse 1", "Hello, I'm here to help")
    service.mark_delivered([m.id for m in pending])
    assert service.pending_for("c1") == []
    returned = service.hand_back(handoff.id, nurse.id)
    assert returned.state == "returned" and not returned.is_open
    assert service.person_says("c1", "back with the bot") is None
    _, transcript = service.detail(handoff.id)
    assert [m.author for m in transcript] == ["system", "nurse", "person", "system"]
    with session_factory() as session:
        kinds = [e.kind for e in session.execute(select(HandoffEvent).order_by(HandoffEvent.id)).scalars()]
    assert kinds == ["created", "claimed", "nurse_reply", "person_message", "returned"]


def test_failed_cross_nurse_reply_leaves_no_trace(service, nurses):
    nurse, other = nurses
    handoff = service.request("c1", "rest", "asked").handoff
    service.claim(handoff.id, nurse.id)
    with pytest.raises(Conflict):
        service.reply(handoff.id, other.id, "hijack")
    assert all(m.text != "hijack" for m in service.pending_for("c1"))


def test_close_needs_an_outcome_and_the_claiming_nurse(service, nurses):
    nurse, _ = nurses
    handoff = service.request("c1", "rest", "asked").handoff
    with pytest.raises(Conflict):
        service.close(handoff.id, nurse.id, "resolved")  # not claimed yet
    service.claim(handoff.id, nurse.id)
    with pytest.raises(HandoffError):
        service.close(handoff.id, nurse.id, "  ")
    closed = service.close(handoff.id, nurse.id, "information given")
    assert (closed.state, closed.outcome) == ("closed", "information given")
    # after closing, a new request makes a new handoff
    assert service.request("c1", "rest", "asked again").handoff.id != handoff.id


def test_person_can_leave_the_queue(service):
    handoff = service.request("c1", "rest", "asked").handoff
    assert service.cancel_by_person("c1").state == "cancelled"
    assert service.cancel_by_person("c1") is None
    assert service.open_handoff("c1") is None
    assert service.queue() == []
    assert service.detail(handoff.id)[0].ended_at is not None


def test_unknown_ids(service, nurses):
    with pytest.raises(NotFound):
        service.claim(999, nurses[0].id)
    with pytest.raises(NotFound):
        service.detail(999)


def test_left_messages_are_separate_from_the_live_queue(service, nurses):
    left = service.leave_message("c9", "rest", "please call me back")
    assert service.queue() == []
    assert [m.id for m in service.left_messages()] == [left.id]
    assert service.open_handoff("c9") is None  # the bot keeps answering this person
    service.claim(left.id, nurses[0].id)
    service.reply(left.id, nurses[0].id, "We read your message")
    assert [m.text for m in service.pending_for("c9")] == ["We read your message"]


def test_estimated_wait_learns_from_recent_claims(service, nurses, clock):
    assert service.estimated_wait(2).total_seconds() == 600  # 5 minutes each before any claims
    for i in range(3):
        h = service.request(f"c{i}", "rest", "asked").handoff
        clock.advance(minutes=2)
        service.claim(h.id, nurses[0].id)
    assert service.estimated_wait(1).total_seconds() == 120
    stats = service.wait_statistics(clock.now - dt.timedelta(hours=1))
    assert stats["claimed"] == 3 and stats["median_wait_seconds"] == 120


def test_wait_statistics_respect_the_time_zone_of_since(service, nurses, clock):
    h = service.request("c1", "rest", "asked").handoff
    service.claim(h.id, nurses[0].id)
    tokyo = ZoneInfo("Asia/Tokyo")  # 9 hours ahead of UTC: a naive comparison would get both wrong
    assert service.wait_statistics((clock.now - dt.timedelta(hours=1)).astimezone(tokyo))["claimed"] == 1
    assert service.wait_statistics((clock.now + dt.timedelta(hours=1)).astimezone(tokyo))["claimed"] == 0


def test_events_feed_is_ordered_and_resumable(service, nurses):
    start = service.latest_event_id()
    handoff = service.request("c1", "rest", "asked").handoff
    service.claim(handoff.id, nurses[0].id)
    events = service.events_since(start)
    assert [e.kind for e in events] == ["created", "claimed"]
    assert service.events_since(events[0].id)[0].kind == "claimed"


def test_the_closing_note_is_stored_apart_from_the_outcome_and_audited(service, nurses):
    nurse, _ = nurses
    handoff = service.request("c1", "rest", "asked").handoff
    service.claim(handoff.id, nurse.id)
    with pytest.raises(HandoffError):
        service.close(handoff.id, nurse.id, "Call back arranged", "x" * 301)
    closed = service.close(handoff.id, nurse.id, "Call back arranged", "  ring at 10am  ")
    assert (closed.outcome, closed.closing_note) == ("Call back arranged", "ring at 10am")
    assert service.events_since(0)[-1].detail == {"outcome": "Call back arranged", "closing_note": "ring at 10am"}
    assert all("ring at 10am" not in m.text for m in service.pending_for("c1"))  # never told to the person
    other = service.request("c2", "rest", "asked").handoff
    service.claim(other.id, nurse.id)
    assert service.close(other.id, nurse.id, "Information and support given", "   ").closing_note is None
