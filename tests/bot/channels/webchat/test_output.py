"""What goes out: one bubble per response, each with an id; what was sent lately, kept for what did not arrive."""

from __future__ import annotations

import asyncio

from bot.channels.webchat.output import MESSAGE_ID, RecentlySent, WebchatOutput
from tests.support.clock import FakeClock


def sent(recently: RecentlySent, conversation_id: str, text: str) -> str:
    """Stamps a message as the channel does before emitting it; returns its id."""
    return recently.stamp(conversation_id, {"text": text})["metadata"][MESSAGE_ID]


def test_without_what_the_widget_has_what_was_sent_just_before_the_close_is_kept_for_the_return():
    clock = FakeClock(1000.0)
    recently = RecentlySent(keep=30, clock=clock)
    for at, text in ((0, "long ago"), (40, "before"), (60, "in doubt 1"), (65, "in doubt 2")):
        clock.now = 1000.0 + at
        sent(recently, "c1", text)
    sent(recently, "c2", "someone else")
    clock.now = 1066.0
    recently.gone("c1", in_doubt=10)
    assert [m["text"] for m in recently.take_lost("c1")] == ["in doubt 1", "in doubt 2"]
    assert recently.take_lost("c1") == [] and recently.take_lost("c2") == []


def test_what_came_after_the_last_message_the_widget_stored_is_kept_for_the_return_and_nothing_else():
    clock = FakeClock(1000.0)
    recently = RecentlySent(keep=30, clock=clock)
    ids = {text: sent(recently, "c1", text) for text in ("greeting", "answer", "follow-up")}
    clock.now += 20  # long before the close: without the widget's word, it would be taken as arrived
    recently.gone("c1", in_doubt=2)
    assert [m["text"] for m in recently.take_lost("c1", ids["greeting"])] == ["answer", "follow-up"]
    sent(recently, "c1", "reply")
    recently.gone("c1", in_doubt=2)
    assert recently.take_lost("c1", recently.stamp("c1", {"text": "reply"})["metadata"][MESSAGE_ID]) == []


def test_an_id_not_of_this_process_falls_back_to_what_was_in_doubt():
    clock = FakeClock(1000.0)
    recently = RecentlySent(keep=30, clock=clock)
    other = RecentlySent(keep=30, clock=clock)
    theirs = sent(other, "c1", "elsewhere")
    sent(recently, "c1", "answer")
    recently.gone("c1", in_doubt=2)
    assert [m["text"] for m in recently.take_lost("c1", theirs)] == ["answer"]
    for nonsense in ("", "x-1", f"{theirs.partition('-')[0]}-", 7, {"id": 1}):
        sent(recently, "c1", "again")
        recently.gone("c1", in_doubt=2)
        assert [m["text"] for m in recently.take_lost("c1", nonsense)] == ["again"]


def test_each_message_has_its_own_id_and_the_message_given_is_not_changed():
    recently = RecentlySent(keep=30)
    message = {"text": "x", "metadata": {"customCss": {"style": "class", "css": "helpline-nurse"}}}
    first, second = recently.stamp("c1", message), recently.stamp("c1", message)
    assert first["metadata"]["customCss"] == message["metadata"]["customCss"]
    assert first["metadata"][MESSAGE_ID] != second["metadata"][MESSAGE_ID]
    assert MESSAGE_ID not in message["metadata"]


def test_nothing_is_kept_forever():
    clock = FakeClock(1000.0)
    recently = RecentlySent(keep=30, clock=clock, lost_for=100)
    sent(recently, "c1", "x")
    sent(recently, "nobody-there", "y")
    recently.gone("c1", in_doubt=10)
    clock.now += 101
    recently.gone("c2", in_doubt=10)
    assert recently.take_lost("c1") == []
    recently.gone("nobody-there", in_doubt=200)  # swept already: it was quiet for longer than `keep`
    assert recently.take_lost("nobody-there") == []


def test_an_answer_and_its_caption_go_out_as_one_bubble():
    class Sio:
        def __init__(self):
            self.emitted = []

        async def emit(self, event, data, room, namespace):
            self.emitted.append(data)

    sio = Sio()
    output = WebchatOutput(sio, "bot_uttered", "/", RecentlySent(keep=60))
    asyncio.run(output.send_text_message("web-1", "The answer.\n\n_From our page, last reviewed May 2019._"))
    [emitted] = sio.emitted
    assert emitted["text"] == "The answer.\n\n_From our page, last reviewed May 2019._"
    assert list(emitted["metadata"]) == [MESSAGE_ID]
