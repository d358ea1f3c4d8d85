"""Nurse handoff end to end over the REST channel, in and out of hours, and across a restart."""

from __future__ import annotations

import uuid

import pytest

from bot.clock import system_clock
from bot.db import make_engine, make_session_factory
from bot.handoff.nurses import NurseAccounts
from bot.handoff.service import HandoffService
from bot.wording import Wording
from tests.integration.stack import SATURDAY_2PM


@pytest.fixture
def rest_nurse(stack):
    """What the nurse console does, on the same database as the running servers."""
    from argon2 import PasswordHasher

    sessions = make_session_factory(make_engine(stack.database_url))
    handoffs = HandoffService(sessions, system_clock, Wording.from_domain())
    accounts = NurseAccounts(sessions, system_clock, PasswordHasher(time_cost=1, memory_cost=1024))
    name = f"nurse-{uuid.uuid4().hex[:8]}"
    nurse = accounts.create(name, "Nurse Amy", "a long enough password")
    return handoffs, nurse


def texts(messages):
    return [m.get("text", "") for m in messages]


def test_full_handoff_in_opening_hours(stack, rest_nurse):
    handoffs, nurse = rest_nurse
    person = f"p-{uuid.uuid4()}"
    assert "last reviewed" in texts(stack.say(person, "what is recurrence"))[-1]
    queued = " ".join(texts(stack.say(person, "can I talk to a nurse please")))
    assert "number 1 in the queue" in queued and "roughly 5 minutes" in queued

    [item] = [i for i in handoffs.queue() if i.handoff.conversation_id == person]
    handoff = handoffs.claim(item.handoff.id, nurse.id)
    _, transcript = handoffs.detail(handoff.id)
    assert ("person", "what is recurrence") in [(m.author, m.text) for m in transcript]
    handoffs.reply(handoff.id, nurse.id, "Hello, I'm Amy. How can I help?")

    replies = stack.say(person, "I'm worried about a lump near my scar")
    assert [(m.get("author"), m["text"]) for m in replies] == [
        ("system", "Nurse Amy, one of our specialist nurses, has joined the chat."),
        ("nurse", "Hello, I'm Amy. How can I help?"),
    ]  # and nothing from the bot: the message went to the nurse
    assert handoffs.detail(handoff.id)[1][-1].text == "I'm worried about a lump near my scar"

    handoffs.hand_back(handoff.id, nurse.id)
    replies = stack.say(person, "what are the symptoms of secondary breast cancer")
    assert replies[0]["author"] == "system" and "handed you back" in replies[0]["text"]
    assert "bones" in " ".join(texts(replies[1:]))  # the bot answers again


def test_leaving_the_queue(stack, rest_nurse):
    handoffs, _ = rest_nurse
    person = f"p-{uuid.uuid4()}"
    stack.say(person, "i want to speak to a nurse")
    assert handoffs.open_handoff(person) is not None
    assert "back with the assistant" in texts(stack.say(person, "cancel"))[0]
    assert handoffs.open_handoff(person) is None
    assert "last reviewed" in texts(stack.say(person, "what is recurrence"))[-1]


def test_out_of_hours_offers_a_message(stack, set_clock, rest_nurse):
    handoffs, _ = rest_nurse
    set_clock(SATURDAY_2PM)
    person = f"p-{uuid.uuid4()}"
    reply = " ".join(texts(stack.say(person, "can i speak to a nurse")))
    assert "aren't available" in reply and "open again on Monday at 9am" in reply and "0808 800 6000" in reply
    assert handoffs.open_handoff(person) is None
    assert "type your message" in " ".join(texts(stack.say(person, "yes please")))
    saved = " ".join(texts(stack.say(person, "Could a nurse explain what happens at a follow-up appointment")))
    assert "saved" in saved
    left = [m for m in handoffs.left_messages() if m.conversation_id == person]
    assert len(left) == 1
    transcript = handoffs.detail(left[0].id)[1]
    assert [m.text for m in transcript if m.author == "person" and not m.context] == [
        "Could a nurse explain what happens at a follow-up appointment"
    ]
    assert "can i speak to a nurse" in [m.text for m in transcript if m.context]  # what led up to it
    assert "last reviewed" in texts(stack.say(person, "what is recurrence"))[-1]  # the bot is still there


def test_restart_mid_handoff_loses_nothing(stack, rest_nurse):
    handoffs, nurse = rest_nurse
    person = f"p-{uuid.uuid4()}"
    stack.say(person, "can I talk to a nurse")
    handoff = handoffs.open_handoff(person)
    handoffs.claim(handoff.id, nurse.id)
    stack.say(person, "first message before the restart")
    stack.stop()
    handoffs.reply(handoff.id, nurse.id, "reply written while the server was down")
    stack.start()
    replies = stack.say(person, "second message after the restart")
    assert "reply written while the server was down" in texts(replies)
    person_lines = [m.text for m in handoffs.detail(handoff.id)[1] if m.author == "person"]
    assert person_lines[-2:] == ["first message before the restart", "second message after the restart"]


def test_red_flag_during_a_nurse_chat_gets_the_urgent_reply_and_flags_the_nurse(stack, rest_nurse):
    handoffs, nurse = rest_nurse
    person = f"p-{uuid.uuid4()}"
    stack.say(person, "can I talk to a nurse")
    handoff = handoffs.open_handoff(person)
    handoffs.claim(handoff.id, nurse.id)
    replies = " ".join(texts(stack.say(person, "my back is agony and i cant feel my legs")))
    assert "999" in replies and "NHS 111" in replies
    view, transcript = handoffs.detail(handoff.id)
    assert view.priority == "urgent" and transcript[-1].author == "system"


def test_red_flag_in_hours_opens_an_urgent_handoff(stack, rest_nurse):
    handoffs, _ = rest_nurse
    person = f"p-{uuid.uuid4()}"
    replies = " ".join(texts(stack.say(person, "im on chemo and my temperature is 38.6 and im shivering")))
    assert "999" in replies and "asked one of our nurses" in replies
    assert handoffs.open_handoff(person).priority == "urgent"


def test_red_flag_and_crisis_out_of_hours(stack, set_clock, rest_nurse):
    handoffs, _ = rest_nurse
    set_clock(SATURDAY_2PM)
    person = f"p-{uuid.uuid4()}"
    urgent = " ".join(texts(stack.say(person, "sudden crushing chest pain and I can't breathe")))
    assert "999" in urgent and "NHS 111" in urgent
    assert handoffs.open_handoff(person) is None
    crisis = " ".join(texts(stack.say(person, "i dont want to be here anymore")))
    assert "116 123" in crisis and "999" in crisis


def test_message_text_never_reaches_the_logs(stack):
    marker = f"zebra{uuid.uuid4().hex[:8]}"
    stack.say(f"p-{uuid.uuid4()}", f"what is recurrence {marker}")
    for log in ("rasa.log", "actions.log"):
        assert marker not in (stack.data_dir / log).read_text(errors="replace")


def test_a_closure_added_to_the_hours_file_takes_effect_without_a_restart(stack):
    """The operations lead closes the line for today (say, staff training) by editing the hours file."""
    original = stack.hours_file.read_text(encoding="utf-8")
    person = f"p-{uuid.uuid4()}"
    try:
        closed_today = original.replace("closures:\n", "closures:\n  - {date: 2026-11-23, reason: Staff training}\n")
        assert closed_today != original
        stack.hours_file.write_text(closed_today, encoding="utf-8")
        replies = " ".join(texts(stack.say(person, "can I talk to a nurse please")))
        assert "in the queue" not in replies and "leave a message" in replies.lower()
        assert "open again tomorrow at 9" in replies  # Tuesday, when it opens next
    finally:
        stack.hours_file.write_text(original, encoding="utf-8")
    later = f"p-{uuid.uuid4()}"
    assert "in the queue" in " ".join(texts(stack.say(later, "can I talk to a nurse please")))  # open again
    assert "left the queue" in " ".join(texts(stack.say(later, "back to the bot")))  # leaves the queue empty
