"""The gate: during a handoff the person's messages go to the nurse, never to Rasa."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.gate import HandoffGate, wants_to_leave


def run(gate: HandoffGate, text: str, sender: str = "c1"):
    seen = []

    async def to_rasa(message: UserMessage) -> None:
        seen.append(message.text)
        await message.output_channel.send_text_message(message.sender_id, "bot reply")

    output = CollectingOutputChannel()
    asyncio.run(gate.handle(UserMessage(text, output, sender), to_rasa))
    return seen, output.messages


@pytest.fixture
def gate(service):
    return HandoffGate(lambda: service)


def test_without_a_handoff_messages_go_to_rasa(gate):
    seen, out = run(gate, "what is recurrence")
    assert seen == ["what is recurrence"] and out[0]["text"] == "bot reply"


def test_during_a_handoff_messages_go_to_the_nurse_and_replies_come_back(gate, service, nurses):
    handoff = service.request("c1", "rest", "asked").handoff
    seen, out = run(gate, "are you there?")
    assert seen == [] and [m["author"] for m in out] == ["system"]  # queued: acknowledged, with the place
    assert "number 1 in the queue" in out[0]["text"]
    service.claim(handoff.id, nurses[0].id)
    service.reply(handoff.id, nurses[0].id, "Yes, I'm Nurse 1")
    seen, out = run(gate, "great")
    assert seen == []
    assert [(m["author"], m["text"]) for m in out][1] == ("nurse", "Yes, I'm Nurse 1")
    assert out[0]["author"] == "system" and "joined" in out[0]["text"]
    assert [m.text for m in service.detail(handoff.id)[1] if m.author == "person"] == ["are you there?", "great"]
    assert service.pending_for("c1") == []  # delivered once


def test_back_to_the_bot_leaves_the_queue(gate, service):
    service.request("c1", "rest", "asked")
    seen, out = run(gate, "Back to the bot!")
    assert seen == [] and "back with the assistant" in out[0]["text"]
    seen, _ = run(gate, "what is recurrence")
    assert seen == ["what is recurrence"]


def test_cancel_without_a_handoff_is_an_ordinary_message(gate):
    seen, _ = run(gate, "cancel")
    assert seen == ["cancel"]


@pytest.mark.parametrize("text", ["cancel", "CANCEL.", "back to the bot", " back to bot "])
def test_leave_phrases(text):
    assert wants_to_leave(text)


@pytest.mark.parametrize("text", ["can i cancel my appointment", "bot", "i want to go back"])
def test_not_leave_phrases(text):
    assert not wants_to_leave(text)


def test_red_flag_during_a_handoff_gets_the_urgent_reply_and_flags_the_nurse(gate, service, nurses):
    handoff = service.request("c1", "rest", "asked").handoff
    service.claim(handoff.id, nurses[0].id)
    seen, out = run(gate, "my back is agony and i cant feel my legs")
    assert seen == []  # still with the nurse, not the bot
    assert any("999" in m["text"] and "111" in m["text"] for m in out)
    view, transcript = service.detail(handoff.id)
    assert view.priority == "urgent"
    assert transcript[-1].author == "system" and "Safety check" in transcript[-1].text
    assert "safety_flag" in [e.kind for e in service.events_since(0)]


def test_crisis_words_during_a_handoff_get_samaritans(gate, service):
    service.request("c1", "rest", "asked")
    _, out = run(gate, "honestly i just want to end it all")
    assert any("116 123" in m["text"] for m in out)


def test_ordinary_message_during_a_handoff_raises_no_flag(gate, service):
    handoff = service.request("c1", "rest", "asked").handoff
    _, out = run(gate, "no numbness in my legs, just worried")
    assert not any("999" in m["text"] or "111" in m["text"] for m in out)
    assert service.detail(handoff.id)[0].priority == "normal"


# ----- while queued: acknowledged, not every line; presence -----


def test_while_queued_the_first_line_and_the_first_after_a_pause_are_acknowledged(gate, service, clock):
    service.request("c1", "rest", "asked")
    _, first = run(gate, "how long will it be?")
    assert "the nurse will see that" in first[0]["text"]
    assert first[0]["buttons"] == [{"title": "Leave the queue", "payload": "leave the queue"}]
    clock.advance(seconds=20)
    assert run(gate, "hello? is anyone there")[1] == []  # not every line
    clock.advance(minutes=5)
    assert "the nurse will see that" in run(gate, "still here")[1][0]["text"]
    transcript = [m.text for m in service.detail(service.open_handoff("c1").id)[1]]
    assert any("the nurse will see that" in line for line in transcript)  # the nurse sees what they were told


def test_the_leave_the_queue_button_leaves_the_queue(gate, service):
    service.request("c1", "rest", "asked")
    _, out = run(gate, "leave the queue")
    assert "back with the assistant" in out[0]["text"] and service.open_handoff("c1") is None


def test_carrier_keywords_are_not_acknowledged(gate, service):
    service.request("c1", "twilio", "asked")
    output = CollectingOutputChannel()

    async def no_bot(message):
        raise AssertionError("never to the bot")

    asyncio.run(gate.handle(UserMessage("HELP", output, "c1"), no_bot, acknowledge=False))
    assert output.messages == []


def test_someone_whose_chat_was_abandoned_gets_their_place_back_when_they_write(gate, service, clock):
    handoff = service.request("c1", "rest", "asked").handoff
    clock.advance(minutes=31)
    gate.journey().presence.abandon_idle()
    assert service.detail(handoff.id)[0].state == "abandoned"
    seen, out = run(gate, "sorry, I'm back")
    assert seen == [] and "Welcome back. You're in the queue again, number 1" in out[0]["text"]
    assert service.open_handoff("c1").id == handoff.id
