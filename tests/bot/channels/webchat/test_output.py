"""What goes out: one bubble per response; what was sent lately, kept for a return after a silent death."""

from __future__ import annotations

import asyncio

from bot.channels.webchat.output import RecentlySent, WebchatOutput
from tests.support.clock import FakeClock


def test_what_was_sent_just_before_a_silent_death_is_kept_for_the_return():
    clock = FakeClock(1000.0)
    recently = RecentlySent(keep=30, clock=clock)
    for at, text in ((0, "long ago"), (40, "before"), (60, "in doubt 1"), (65, "in doubt 2")):
        clock.now = 1000.0 + at
        recently.record("c1", {"text": text})
    recently.record("c2", {"text": "someone else"})
    clock.now = 1066.0
    recently.gone("c1", in_doubt=10)
    assert [m["text"] for m in recently.take_lost("c1")] == ["in doubt 1", "in doubt 2"]
    assert recently.take_lost("c1") == [] and recently.take_lost("c2") == []


def test_nothing_is_kept_forever():
    clock = FakeClock(1000.0)
    recently = RecentlySent(keep=30, clock=clock, lost_for=100)
    recently.record("c1", {"text": "x"})
    recently.record("nobody-there", {"text": "y"})
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
    assert sio.emitted == [{"text": "The answer.\n\n_From our page, last reviewed May 2019._"}]
