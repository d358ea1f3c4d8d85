"""The person's journey over REST and the console API, with the clock set through HELPLINE_CLOCK_FILE.

- a message left out of hours with a red flag in it keeps every word and arrives urgent; a nurse answers it
  next morning;
- the person sees the reply, and is never told they are chatting with a nurse when nobody is;
- messages typed while queued are acknowledged (the first, then the first after a pause);
- places in the queue are updated as they change;
- people still waiting at closing time are told, and their conversation becomes a left message;
- a silent chat leaves the queue as abandoned and gets its place back when the person returns;
- a claim whose nurse signed out goes back to the queue; an admin can pass a chat to another nurse.
"""

from __future__ import annotations

import datetime as dt

from bot.handoff.models import Priority
from tests.integration.journey_fixtures import MONDAY_10AM, THURSDAY_930AM, WEDNESDAY_7PM, person, texts
from tests.integration.stack import LONDON
from tests.support.waiting import wait_until

RED_FLAG = "im on chemo and my temperature is 38.6 and im shivering"
ALREADY_CHATTING = "already chatting"


def left_message_of(journey_servers, conversation: str, nurse) -> dict:
    response = journey_servers.api(nurse, "GET", "/api/messages")
    assert response.status_code == 200, response.text
    [item] = [m for m in response.json()["messages"] if m["conversation_id"] == conversation]
    return item


def test_a_left_message_with_a_red_flag_keeps_every_word_and_is_answered_next_morning(journey_servers):
    journey_servers.set_clock(WEDNESDAY_7PM)
    someone = person()
    journey_servers.say(someone, "what is recurrence")
    offer = texts(journey_servers.say(someone, "can i speak to a nurse"))
    assert "leave a message" in offer
    assert "type your message" in texts(journey_servers.say(someone, "yes please"))

    replies = texts(journey_servers.say(someone, RED_FLAG))
    assert "NHS 111" in replies or "999" in replies  # the safety reply first
    assert f'saved your message for the nurses: "{RED_FLAG}"' in replies  # what was saved, plainly
    assert "A nurse will reply after 9am tomorrow; you'll see it here." in replies  # and what happens next
    assert "saved" not in texts(journey_servers.say(someone, "when are you open"))  # the next line is not the message

    journey_servers.set_clock(THURSDAY_930AM)
    amy = journey_servers.nurse("Amy Clarke")  # signs in the next morning
    left = left_message_of(journey_servers, someone, amy)
    assert left["text"] == RED_FLAG and left["kind"] == "message"
    assert left["priority"] == Priority.URGENT  # the safety reply interrupted it: flagged for the nurses
    detail = journey_servers.api(amy, "GET", f"/api/handoffs/{left['id']}").json()
    context = [m["text"] for m in detail["messages"] if m["context"]]
    assert "what is recurrence" in context and "can i speak to a nurse" in context  # the conversation before it
    assert journey_servers.api(amy, "POST", f"/api/handoffs/{left['id']}/claim").status_code == 200
    reply = journey_servers.api(
        amy, "POST", f"/api/handoffs/{left['id']}/reply", json={"text": "Hello, it's Amy. How are you?"}
    )
    assert reply.status_code == 201, reply.text

    back = journey_servers.say(someone, "did a nurse see my message?")
    assert ("nurse", "Hello, it's Amy. How are you?") in [(r.get("author"), r["text"]) for r in back]
    assert ALREADY_CHATTING not in texts(back)
    assert ALREADY_CHATTING not in texts(journey_servers.say(someone, "can i talk to a nurse"))
    journey_servers.set_clock(MONDAY_10AM)


def test_messages_typed_while_queued_are_acknowledged_first_and_after_a_pause(journey_servers):
    journey_servers.set_clock(MONDAY_10AM)
    journey_servers.empty_queue()
    someone = person()
    queued = journey_servers.say(someone, "can I talk to a nurse please")
    assert "number 1 in the queue" in texts(queued)
    assert {"title": "Leave the queue", "payload": "leave the queue"} in queued[-1].get("buttons", [])

    first = journey_servers.say(someone, "how long will it be?")
    assert "the nurse will see that" in texts(first) and "number 1 in the queue" in texts(first)
    assert first[-1]["buttons"] == [{"title": "Leave the queue", "payload": "leave the queue"}]
    assert journey_servers.say(someone, "hello? is anyone there") == []  # not every line
    journey_servers.set_clock(MONDAY_10AM + dt.timedelta(minutes=3))
    assert "the nurse will see that" in texts(journey_servers.say(someone, "still here"))  # the first after a pause

    assert "left the queue" in texts(journey_servers.say(someone, "leave the queue"))  # the button's payload
    assert journey_servers.handoffs.open_handoff(someone) is None
    journey_servers.set_clock(MONDAY_10AM)


def test_the_place_in_the_queue_is_updated_as_it_changes(journey_servers):
    journey_servers.set_clock(MONDAY_10AM)
    journey_servers.empty_queue()
    first, second = person(), person()
    journey_servers.say(first, "can I talk to a nurse please")
    assert "number 2 in the queue" in texts(journey_servers.say(second, "can I talk to a nurse please"))
    amy = journey_servers.nurse("Amy Clarke")
    ahead = journey_servers.handoffs.open_handoff(first)
    assert journey_servers.api(amy, "POST", f"/api/handoffs/{ahead.id}/claim").status_code == 200
    moved = wait_until(
        lambda: [m for m in journey_servers.handoffs.pending_for(second) if "now number 1" in m.text],
        "the move to be told",
    )
    assert len(moved) == 1
    assert "You're now number 1 in the queue" in texts(journey_servers.say(second, "ok"))
    journey_servers.handoffs.cancel_by_person(second)


def test_people_still_waiting_at_closing_are_told_and_their_chat_becomes_a_left_message(journey_servers):
    wednesday = WEDNESDAY_7PM.date()
    journey_servers.set_clock(dt.datetime.combine(wednesday, dt.time(15, 40), LONDON))
    journey_servers.empty_queue()
    someone = person()
    assert "in the queue" in texts(journey_servers.say(someone, "can I talk to a nurse please"))
    journey_servers.say(someone, "is anyone coming?")
    journey_servers.set_clock(dt.datetime.combine(wednesday, dt.time(16, 30), LONDON))

    wait_until(lambda: journey_servers.handoffs.open_handoff(someone) is None, "the chat to stop being live")
    replies = texts(journey_servers.say(someone, "hello?"))
    assert "The helpline has now closed" in replies
    assert "A nurse will reply after 9am tomorrow; you'll see it here." in replies
    amy = journey_servers.nurse("Amy Clarke")
    left = left_message_of(journey_servers, someone, amy)
    assert left["text"] == "is anyone coming?"
    transcript = [m["text"] for m in journey_servers.api(amy, "GET", f"/api/handoffs/{left['id']}").json()["messages"]]
    assert "can I talk to a nurse please" in transcript
    journey_servers.set_clock(MONDAY_10AM)


def test_a_silent_chat_leaves_the_queue_as_abandoned_and_gets_its_place_back(journey_servers):
    journey_servers.set_clock(MONDAY_10AM)
    journey_servers.empty_queue()
    someone = person()
    journey_servers.say(someone, "can I talk to a nurse please")
    handoff = journey_servers.handoffs.open_handoff(someone)
    journey_servers.set_clock(MONDAY_10AM + dt.timedelta(minutes=31))
    wait_until(lambda: journey_servers.handoffs.detail(handoff.id)[0].state == "abandoned", "the chat to be abandoned")
    admin = journey_servers.nurse("Ann Admin", role="admin")
    stats = journey_servers.api(admin, "GET", "/api/stats").json()["last_7_days"]
    assert stats["abandoned"] >= 1

    back = texts(journey_servers.say(someone, "sorry, I'm back"))
    assert "Welcome back. You're in the queue again, number 1" in back
    assert journey_servers.handoffs.open_handoff(someone).id == handoff.id
    journey_servers.handoffs.cancel_by_person(someone)
    journey_servers.set_clock(MONDAY_10AM)


def test_a_claim_whose_nurse_signed_out_goes_back_to_the_queue_and_an_admin_can_pass_it_on(journey_servers):
    journey_servers.set_clock(MONDAY_10AM)
    journey_servers.empty_queue()
    someone = person()
    journey_servers.say(someone, "can I talk to a nurse please")
    handoff = journey_servers.handoffs.open_handoff(someone)
    ben = journey_servers.nurse("Ben Jones")
    assert journey_servers.api(ben, "POST", f"/api/handoffs/{handoff.id}/claim").status_code == 200
    assert journey_servers.api(ben, "POST", "/api/logout").status_code == 200

    journey_servers.set_clock(MONDAY_10AM + dt.timedelta(minutes=11))
    wait_until(lambda: journey_servers.handoffs.detail(handoff.id)[0].state == "waiting", "the claim to be released")
    replies = texts(journey_servers.say(someone, "hello?"))
    assert "The nurse has had to leave the chat. You're back in the queue, number 1" in replies
    notes = [m.text for m in journey_servers.handoffs.detail(handoff.id)[1] if m.author == "system"]
    assert "Back in the queue: Ben Jones signed out." in notes

    admin, amy = journey_servers.nurse("Ann Admin", role="admin"), journey_servers.nurse("Amy Clarke")
    passed = journey_servers.api(admin, "POST", f"/api/handoffs/{handoff.id}/reassign", json={"nurse_id": amy.id})
    assert passed.status_code == 200, passed.text
    assert passed.json()["handoff"]["claimed_by"] == amy.id
    assert "Amy Clarke, one of our specialist nurses, has joined the chat." in texts(journey_servers.say(someone, "hi"))
    assert (
        journey_servers.api(amy, "POST", f"/api/handoffs/{handoff.id}/reply", json={"text": "Hello"}).status_code == 201
    )
    journey_servers.set_clock(MONDAY_10AM)
