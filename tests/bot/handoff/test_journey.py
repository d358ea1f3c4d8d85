"""The person's journey in the handoff services, with a fake clock: left messages, queue notices, presence,
closing time, stuck claims. End to end: tests/integration/test_journeys_rest.py and test_journeys_sms.py."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.handoff.claims import Forbidden
from bot.handoff.journey import journey_for
from bot.handoff.left_messages import LeftMessages, message_text
from bot.handoff.models import Nurse, Priority
from bot.handoff.service import Conflict
from bot.handoff.sweeper import HandoffSweeper, close_queue
from bot.handoff.timing import JourneyTimes

TIMES = JourneyTimes(
    ack_pause=dt.timedelta(minutes=2),
    away_abandon=dt.timedelta(minutes=5),
    silent_abandon=dt.timedelta(minutes=30),
    return_window=dt.timedelta(hours=4),
    claim_release=dt.timedelta(minutes=10),
)
SUNDAY_NIGHT = dt.datetime(2026, 11, 22, 21, 0, tzinfo=dt.timezone.utc)
CLOSING = dt.datetime(2026, 11, 23, 16, 0, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def journey(service, hours):
    return journey_for(service, hours, TIMES)


def pending(service, conversation: str) -> list[str]:
    return [m.text for m in service.pending_for(conversation)]


# ----- messages left out of hours -----


def test_a_left_message_keeps_everything_written_and_the_conversation_before_it(service, clock):
    clock.now = SUNDAY_NIGHT
    left = LeftMessages(service).leave(
        "c1",
        "socketio",
        context=[("person", "can i speak to a nurse"), ("bot", "Our nurses aren't available right now.")],
        written=[("person", "My scar is red, call me on 07700 900123"), ("bot", "Call NHS 111 now."),
                 ("person", "and it is lumpy")],
    )  # fmt: skip
    assert left.handoff.kind == "message" and left.handoff.state == "waiting"
    assert left.text == "My scar is red, call me on [phone]\nand it is lumpy"  # redacted, every line kept
    _, messages = service.detail(left.handoff.id)
    assert [(m.author, m.context) for m in messages] == [
        ("person", True), ("bot", True), ("person", False), ("bot", False), ("person", False)
    ]  # fmt: skip
    assert message_text(messages) == left.text
    assert [m.id for m in service.left_messages()] == [left.handoff.id]


def test_a_message_written_while_a_chat_is_open_is_added_to_it_not_lost(service):
    live = service.request("c1", "rest", "urgent", priority="urgent").handoff
    left = LeftMessages(service).leave("c1", "rest", context=[], written=[("person", "I have a fever")])
    assert left.handoff.id == live.id and left.handoff.kind == "live"
    assert "I have a fever" in [m.text for m in service.detail(live.id)[1]]


def test_a_message_interrupted_by_safety_advice_arrives_urgent_and_is_listed_first(service, clock):
    clock.now = SUNDAY_NIGHT
    ordinary = LeftMessages(service).leave("c1", "rest", context=[], written=[("person", "please call")]).handoff
    clock.now = SUNDAY_NIGHT + dt.timedelta(minutes=5)
    written = [("person", "my legs feel weak"), ("bot", "Call 999 now.")]
    urgent = LeftMessages(service).leave("c2", "rest", context=[], written=written, priority=Priority.URGENT).handoff
    assert (ordinary.priority, urgent.priority) == (Priority.NORMAL, Priority.URGENT)
    assert [m.id for m in service.left_messages()] == [urgent.id, ordinary.id]  # urgent first, although newer
    kinds = [(e.handoff_id, e.kind, e.detail.get("priority")) for e in service.events_since(0)]
    assert (urgent.id, "message_left", Priority.URGENT) in kinds  # the console's feed says so


def test_an_urgent_line_added_to_a_message_makes_it_urgent_and_a_normal_one_never_lowers_it(service):
    first = LeftMessages(service).leave("c1", "rest", context=[], written=[("person", "please call")]).handoff
    again = LeftMessages(service).leave(
        "c1", "rest", context=[], written=[("person", "I can't breathe")], priority=Priority.URGENT
    )
    assert again.handoff.id == first.id and again.handoff.priority == Priority.URGENT
    later = LeftMessages(service).leave("c1", "rest", context=[], written=[("person", "thanks")])
    assert later.handoff.priority == Priority.URGENT


def test_asking_for_a_nurse_turns_a_waiting_message_into_a_live_chat(service):
    left = LeftMessages(service).leave("c1", "rest", context=[], written=[("person", "please call")]).handoff
    placed = service.request("c1", "rest", "asked for a nurse")
    assert placed.handoff.id == left.id and placed.handoff.kind == "live" and placed.position == 1


# ----- queue notices -----


def test_the_first_message_while_queued_is_acknowledged_then_the_first_after_a_pause(journey, service, clock):
    handoff = service.request("c1", "twilio", "asked").handoff
    first = journey.queue_notices.acknowledge(service.person_says("c1", "how long?"))
    assert first is not None and "number 1 in the queue" in first.text and "Reply CANCEL" in first.text
    clock.advance(seconds=30)
    assert journey.queue_notices.acknowledge(service.person_says("c1", "hello?")) is None
    clock.advance(minutes=3)
    assert journey.queue_notices.acknowledge(service.person_says("c1", "still here")) is not None
    service.claim(handoff.id, service_nurse(service))
    clock.advance(minutes=10)
    assert journey.queue_notices.acknowledge(service.person_says("c1", "hi")) is None  # a nurse has it


def service_nurse(service) -> int:
    from argon2 import PasswordHasher

    from bot.handoff.nurses import NurseAccounts

    accounts = NurseAccounts(service._sessions, service._now, PasswordHasher(time_cost=1, memory_cost=1024))
    return accounts.create("amy", "Amy Clarke", "correct horse battery").id


def test_web_acknowledgements_offer_leave_the_queue(journey, service):
    service.request("c1", "socketio", "asked")
    ack = journey.queue_notices.acknowledge(service.person_says("c1", "how long?"))
    assert ack.buttons == ({"title": "Leave the queue", "payload": "leave the queue"},)


def test_a_move_up_the_queue_is_told_once(journey, service, nurses):
    first = service.request("a", "rest", "asked")
    second = service.request("b", "socketio", "asked")
    journey.queue_notices.remember(second.handoff.id, second.position)
    assert journey.queue_notices.tell_moves() == 0
    service.claim(first.handoff.id, nurses[0].id)
    assert journey.queue_notices.tell_moves() == 1
    assert journey.queue_notices.tell_moves() == 0  # told once, however often the sweep runs
    [moved] = service.pending_for("b")
    assert "You're now number 1 in the queue" in moved.text and moved.buttons


def test_an_urgent_chat_going_ahead_is_told_too(journey, service):
    normal = service.request("a", "rest", "asked")
    journey.queue_notices.remember(normal.handoff.id, 1)
    service.request("u", "rest", "urgent", priority="urgent")
    assert journey.queue_notices.tell_moves() == 1
    assert "now number 2" in pending(service, "a")[0]


# ----- closing time -----


def test_at_closing_everyone_waiting_is_told_and_becomes_a_left_message(journey, service, clock):
    web = service.request("web", "socketio", "asked", transcript=[("person", "can I talk to a nurse")]).handoff
    sms = service.request("sms", "twilio", "asked").handoff
    service.person_says("web", "is anyone coming?")
    assert close_queue(journey) == 0  # open: nothing changes
    clock.now = CLOSING
    assert close_queue(journey) == 2
    assert close_queue(journey) == 0
    assert [m.id for m in service.left_messages()] == [web.id, sms.id] and service.queue() == []
    assert pending(service, "web") == [
        "The helpline has now closed, so a nurse can't join this chat today. I've saved your conversation as a "
        "message for the nurses.",
        "A nurse will reply after 9am tomorrow; you'll see it here. You can keep asking me questions in the meantime.",
    ]
    assert "we'll text you" in pending(service, "sms")[1] and "this chat" not in " ".join(pending(service, "sms"))
    assert message_text(service.detail(sms.id)[1]) == ""  # nothing written at all
    _, messages = service.detail(web.id)
    assert message_text(messages) == "is anyone coming?"
    assert messages[0].context and messages[0].text == "can I talk to a nurse"


# ----- abandoned chats -----


def test_a_closed_tab_leaves_the_queue_as_abandoned_and_the_person_can_come_back(journey, service, clock):
    handoff = service.request("w1", "socketio", "asked").handoff
    journey.presence.away("w1")
    assert service.detail(handoff.id)[0].away_since is not None  # the nurse sees them as away
    clock.advance(minutes=4)
    assert journey.presence.abandon_idle() == 0
    clock.advance(minutes=2)
    assert journey.presence.abandon_idle() == 1
    view = service.detail(handoff.id)[0]
    assert view.state == "abandoned" and view.claimed_at is None and service.queue() == []
    figures = service.wait_statistics(clock.now - dt.timedelta(days=1))
    assert figures["abandoned"] == 1 and figures["claimed"] == 0

    clock.advance(minutes=30)
    assert journey.presence.back("w1") is True
    assert service.detail(handoff.id)[0].state == "waiting"
    assert "Welcome back. You're in the queue again, number 1" in pending(service, "w1")[0]
    assert journey.presence.back("w1") is False  # once


def test_silence_abandons_a_rest_chat_but_never_an_sms_one(journey, service, clock):
    rest = service.request("r1", "rest", "asked").handoff
    sms = service.request("s1", "twilio", "asked").handoff
    clock.advance(minutes=29)
    service.person_says("r1", "still here")
    clock.advance(minutes=29)
    assert journey.presence.abandon_idle() == 0
    clock.advance(minutes=2)
    assert journey.presence.abandon_idle() == 1
    assert service.detail(rest.id)[0].state == "abandoned" and service.detail(sms.id)[0].state == "waiting"


def test_no_place_back_after_the_return_window_or_out_of_hours(journey, service, clock):
    service.request("r1", "rest", "asked")
    clock.advance(minutes=31)
    journey.presence.abandon_idle()
    clock.advance(hours=5)
    assert journey.presence.back("r1") is False
    service.request("r2", "rest", "asked")
    clock.advance(minutes=31)
    journey.presence.abandon_idle()
    clock.now = CLOSING
    assert journey.presence.back("r2") is False


# ----- claims that outlive their nurse -----


def test_a_claim_goes_back_to_the_queue_after_its_nurse_signs_out(journey, service, clock, nurses, session_factory):
    handoff = service.request("c1", "socketio", "asked").handoff
    service.claim(handoff.id, nurses[0].id)
    journey.claims.signed_in(nurses[0].id, clock.now + dt.timedelta(hours=8))
    journey.claims.signed_out(nurses[0].id)
    clock.advance(minutes=9)
    assert journey.claims.release_stuck() == 0
    clock.advance(minutes=2)
    assert journey.claims.release_stuck() == 1
    view, messages = service.detail(handoff.id)
    assert view.state == "waiting" and view.claimed_by is None
    assert messages[-1].text == "Back in the queue: Nurse 1 signed out."
    told = pending(service, "c1")[-1]
    assert "The nurse has had to leave the chat. You're back in the queue, number 1" in told
    assert [e.kind for e in service.events_since(0)][-1] == "released"


def test_a_claim_goes_back_when_the_session_ends_or_the_account_is_deactivated(journey, service, clock, nurses):
    first = service.request("c1", "rest", "asked").handoff
    second = service.request("c2", "rest", "asked").handoff
    service.claim(first.id, nurses[0].id)
    service.claim(second.id, nurses[1].id)
    journey.claims.signed_in(nurses[0].id, clock.now + dt.timedelta(hours=1))
    clock.advance(hours=1, minutes=11)
    assert journey.claims.release_stuck() == 1
    assert service.detail(first.id)[1][-1].text == "Back in the queue: Nurse 1's console session ended."
    with service._sessions() as session, session.begin():
        session.execute(select(Nurse).where(Nurse.id == nurses[1].id)).scalar().active = False
    assert journey.claims.release_stuck() == 1
    assert service.detail(second.id)[0].state == "waiting"


def test_a_nurse_who_signed_in_again_keeps_their_claims(journey, service, clock, nurses):
    handoff = service.request("c1", "rest", "asked").handoff
    service.claim(handoff.id, nurses[0].id)
    journey.claims.signed_out(nurses[0].id)
    journey.claims.signed_in(nurses[0].id, clock.now + dt.timedelta(hours=8))
    clock.advance(minutes=30)
    assert journey.claims.release_stuck() == 0


def test_release_by_an_admin_or_the_claimer_and_reassign(journey, service, nurses, accounts):
    admin = accounts.create("boss", "Ann Admin", "correct horse battery", role="admin")
    handoff = service.request("c1", "socketio", "asked").handoff
    service.claim(handoff.id, nurses[0].id)
    with pytest.raises(Forbidden):
        journey.claims.release(handoff.id, nurses[1].id, by_admin=False)
    view = journey.claims.release(handoff.id, admin.id, by_admin=True)
    assert (
        view.state == "waiting"
        and service.detail(handoff.id)[1][-1].text == "Back in the queue: released by Ann Admin."
    )
    with pytest.raises(Conflict):
        journey.claims.release(handoff.id, admin.id, by_admin=True)  # not claimed now

    passed = journey.claims.reassign(handoff.id, admin.id, nurses[1].id)
    assert passed.state == "claimed" and passed.claimed_by == nurses[1].id
    assert pending(service, "c1")[-1] == "Nurse 2, one of our specialist nurses, has joined the chat."
    again = journey.claims.reassign(handoff.id, admin.id, nurses[0].id)  # from one nurse to another
    assert again.claimed_by == nurses[0].id
    service.reply(handoff.id, nurses[0].id, "Hello")  # the new nurse can answer


# ----- the sweep -----


def test_one_sweep_does_every_time_based_change(journey, service, clock):
    service.request("r1", "rest", "asked")
    clock.now = CLOSING
    swept = HandoffSweeper(lambda: journey).sweep_once()
    assert swept.closed == 1 and swept.abandoned == 0


def test_a_chat_closed_with_nothing_written_shows_what_the_person_last_said(journey, service, clock):
    handoff = service.request("w", "socketio", "asked", transcript=[("person", "can I talk to a nurse")]).handoff
    clock.now = CLOSING
    close_queue(journey)
    assert message_text(service.detail(handoff.id)[1]) == "can I talk to a nurse"
