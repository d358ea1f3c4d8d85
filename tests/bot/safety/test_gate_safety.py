"""During a nurse chat the gate grades each message on the rule layer alone; the nurse sees what was said."""

from __future__ import annotations

import asyncio

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.gate import HandoffGate
from bot.wording import Wording

WORDING = Wording.from_domain()


def say(gate: HandoffGate, text: str) -> list[str]:
    async def to_rasa(message: UserMessage) -> None:
        raise AssertionError("during a handoff nothing goes to Rasa")

    output = CollectingOutputChannel()
    asyncio.run(gate.handle(UserMessage(text, output, "c1"), to_rasa))
    return [m["text"] for m in output.messages]


def test_an_emergency_mid_chat_gets_the_emergency_reply_and_the_nurse_sees_it(service, nurses):
    handoff = service.request("c1", "rest", "asked for a nurse").handoff
    service.claim(handoff.id, nurses[0].id)
    replies = say(HandoffGate(lambda: service), "sudden crushing chest pain")
    assert WORDING.text("utter_emergency") in replies
    view, transcript = service.detail(handoff.id)
    assert view.priority == "urgent"
    said = [(m.author, m.text) for m in transcript]
    assert said[-2] == ("bot", WORDING.text("utter_emergency"))
    assert said[-1][0] == "system" and "Emergency, told to call 999 or go to A&E: chest pain" in said[-1][1]


def test_an_urgent_red_flag_mid_chat_names_the_red_flag(service):
    handoff = service.request("c1", "rest", "asked for a nurse").handoff
    replies = say(HandoffGate(lambda: service), "my back is agony and my legs keep giving way")
    assert WORDING.text("utter_urgent_symptom") in replies
    note = service.detail(handoff.id)[1][-1].text
    assert "Urgent, told to call acute oncology or NHS 111 now: possible spinal cord compression" in note


def test_a_symptom_that_is_not_a_red_flag_now_raises_no_flag_mid_chat(service):
    handoff = service.request("c1", "rest", "asked for a nurse").handoff
    replies = say(HandoffGate(lambda: service), "what should I do if I ever get chest pain")
    assert not any("999" in text for text in replies)
    assert service.detail(handoff.id)[0].priority == "normal"
