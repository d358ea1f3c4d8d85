"""The channel during a handoff: nurse replies pushed live or kept for the return, once each; leaving; presence."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.webchat.channel import CLEAN_CLOSE_DOUBT, SecureSocketIOInput
from bot.channels.webchat.config import WebchatConfig
from bot.channels.webchat.output import RecentlySent
from tests.bot.channels.webchat.harness import FakeRasa, Person, a_pusher_pass, handoff_for, run, serve, texts
from tests.support.clock import FakeClock
from tests.support.waiting import wait_until_async


def test_nurse_replies_are_pushed_live_and_marked_as_the_nurses(channel, service, nurses):
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            person = Person(url)
            conversation = channel.tokens().verify(await person.open())
            assert conversation is not None
            handoff = await asyncio.to_thread(handoff_for, service, nurses, conversation)
            await asyncio.to_thread(service.reply, handoff.id, nurses[0].id, "Hello, [see](javascript:x) me")
            joined = await person.wait_for(lambda m: "joined" in m.get("text", ""))
            assert joined["metadata"]["customCss"]["css"] == "helpline-notice"  # a system notice shows as a banner
            reply = await person.wait_for(lambda m: "see" in m.get("text", ""))
            assert reply["text"] == "Nurse 1 (nurse): Hello, \\[see\\](javascript:x) me"
            assert reply["metadata"]["customCss"]["css"] == "helpline-nurse"
            await wait_until_async(lambda: service.pending_for(conversation) == [], "emitted, then marked delivered")
            await a_pusher_pass(channel)  # anything the pusher would send again, it has sent

            await person.said("thank you nurse")  # goes to the nurse, not to Rasa; handled, and all before it arrived
            _, messages = await asyncio.to_thread(service.detail, handoff.id)
            assert messages[-1].author == "person" and messages[-1].text == "thank you nurse"
            assert rasa.seen == []
            assert len([t for t in texts(person) if "Hello" in t]) == 1  # delivered once
            await person.close()

    run(scenario)


def test_replies_written_while_away_wait_and_arrive_on_return_to_that_conversation_only(channel, service, nurses):
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            person = Person(url)
            token = await person.open()
            conversation = channel.tokens().verify(token)
            assert conversation is not None
            await person.close()
            await wait_until_async(lambda: not channel.participants(conversation), "the server to see them gone")
            handoff = await asyncio.to_thread(handoff_for, service, nurses, conversation)
            await asyncio.to_thread(service.reply, handoff.id, nurses[0].id, "Written while you were away")
            await a_pusher_pass(channel)
            assert len(await asyncio.to_thread(service.pending_for, conversation)) == 2  # nobody there: kept

            stranger = Person(url)
            await stranger.open(conversation)  # the raw id: a new conversation
            await a_pusher_pass(channel)
            await stranger.said("hello")  # answered after anything sent to the stranger before
            assert texts(stranger) == ["echo: hello"]
            assert len(await asyncio.to_thread(service.pending_for, conversation)) == 2

            back = Person(url)
            await back.open(token)
            await back.wait_for(lambda m: "Written while you were away" in m.get("text", ""))
            assert [t.split(",")[0] for t in texts(back)] == ["Nurse 1", "Nurse 1 (nurse): Written while you were away"]
            # sent, then marked delivered: the mark follows the emit, so it is awaited
            await wait_until_async(lambda: service.pending_for(conversation) == [], "both messages marked delivered")
            await stranger.close()
            await back.close()

    run(scenario)


async def told_to_call_999(channel, service, nurses, url: str) -> tuple[Person, str, str]:
    """A person in a chat with a nurse, whose reply they have just received; with their token and conversation."""
    person = Person(url)
    token = await person.open()
    conversation = channel.tokens().verify(token)
    assert conversation is not None
    handoff = await asyncio.to_thread(handoff_for, service, nurses, conversation)
    await asyncio.to_thread(service.reply, handoff.id, nurses[0].id, "Please call 999 now")
    await person.wait_for(lambda m: "999" in m.get("text", ""))
    return person, token, conversation


@pytest.mark.parametrize(
    "reason, resent",
    [("ping timeout", True), ("transport error", True), ("transport close", False), ("client disconnect", False)],
)
def test_after_a_silent_death_recent_messages_are_sent_again_on_return(channel, service, nurses, reason, resent):
    """A phone loses signal: the server emits into a dead socket until the ping times out."""
    clock = FakeClock(1000.0)
    channel.recently = RecentlySent(keep=channel.silent_death_window, clock=clock)
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            person, token, conversation = await told_to_call_999(channel, service, nurses, url)
            await wait_until_async(lambda: service.pending_for(conversation) == [], "emitted, then marked delivered")

            clock.now += CLEAN_CLOSE_DOUBT + 1  # the dead socket is noticed a while after the emit
            await channel.on_disconnect(person.client.get_sid("/"), reason)
            await person.close()

            back = Person(url)
            await back.open(token)  # returns once what is sent again has arrived
            got = [t for t in texts(back) if "999" in t]
            assert got == (["Nurse 1 (nurse): Please call 999 now"] if resent else [])
            await back.close()

    run(scenario)


@pytest.mark.parametrize("stored, resent", [("the reply", False), ("the message before", True), (None, True)])
def test_a_tab_reloaded_at_once_gets_again_only_what_came_after_the_last_message_it_stored(
    channel, service, nurses, stored, resent
):
    """The widget says which message it stored last; without it, what came just before the close is sent again."""
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            person, token, _ = await told_to_call_999(channel, service, nurses, url)
            await person.close()  # a reload, straight after the reply appeared

            seen = {"the reply": person.ids[-1], "the message before": person.ids[-2], None: None}[stored]
            back = Person(url)
            await back.open(token, seen)  # returns once what is sent again has arrived
            got = [t for t in texts(back) if "999" in t]
            assert got == (["Nurse 1 (nurse): Please call 999 now"] if resent else [])
            await back.close()

    run(scenario)


def test_a_disconnect_is_not_a_loss_while_another_tab_is_open(channel, service, nurses):
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            first = Person(url)
            token = await first.open()
            second = Person(url)
            await second.open(token)
            await first.say("hello")
            await second.wait_for(lambda m: m.get("text") == "echo: hello")  # both tabs see the conversation
            await channel.on_disconnect(first.client.get_sid("/"), "ping timeout")
            assert channel.recently.take_lost(channel.tokens().verify(token) or "") == []
            await first.close()
            await second.close()

    run(scenario)


def test_leaving_the_queue_is_answered_by_the_channel(channel, service):
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            person = Person(url)
            conversation = channel.tokens().verify(await person.open())
            await asyncio.to_thread(service.request, conversation, "socketio", "asked")
            await person.say("back to the bot")
            await person.wait_for(lambda m: "back with the assistant" in m.get("text", ""))
            await person.say("what is recurrence")
            await person.wait_for(lambda m: m.get("text") == "echo: what is recurrence")
            assert rasa.seen == [(conversation, "what is recurrence")]
            await person.close()

    run(scenario)


def test_the_pusher_does_not_deliver_twice_while_the_gate_delivers(channel, service, nurses):
    """The gate (a message of theirs) and the pusher (in the background) race for the same outbox row."""
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            person = Person(url)
            conversation = channel.tokens().verify(await person.open())
            assert conversation is not None
            handoff = await asyncio.to_thread(handoff_for, service, nurses, conversation)
            for i in range(5):
                await asyncio.to_thread(service.reply, handoff.id, nurses[0].id, f"reply {i}")
                await person.said(f"message {i}")
            await person.wait_for(lambda m: "reply 4" in m.get("text", ""))
            await a_pusher_pass(channel)  # anything the pusher would send again, it has sent
            await person.said("still there?")  # and it has arrived
            replies = [t for t in texts(person) if "(nurse): reply" in t]
            assert replies == [f"Nurse 1 (nurse): reply {i}" for i in range(5)]
            await person.close()

    run(scenario)


def test_a_message_the_gate_delivered_is_not_pushed_again(service, nurses, tmp_path):
    """The pusher read the outbox just before the person's own message made the gate deliver the same rows."""
    channel = SecureSocketIOInput(
        WebchatConfig(secret_file=tmp_path / "webchat_secret", widget_dir=tmp_path / "widget"),
        service_provider=lambda: service,
        push_interval=3600,  # the background pass runs once, at start; this test plays the pusher's part
    )
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            person = Person(url)
            conversation = channel.tokens().verify(await person.open())
            assert conversation is not None
            handoff = await asyncio.to_thread(handoff_for, service, nurses, conversation)
            await asyncio.to_thread(service.reply, handoff.id, nurses[0].id, "only once")
            stale = await asyncio.to_thread(service.pending_on, "socketio")
            assert len(stale) == 2
            await person.say("are you there?")
            await person.wait_for(lambda m: "only once" in m.get("text", ""))
            for message in stale:
                assert await channel.push(message) is True
            await person.said("thanks")  # handled after the pushes: what they emitted has arrived
            assert len([t for t in texts(person) if "only once" in t]) == 1
            assert len([t for t in texts(person) if "joined" in t]) == 1
            await person.close()

    run(scenario)


# ----- the person's journey: "Leave the queue", presence -----


def test_queued_people_get_a_leave_the_queue_button_and_a_closed_tab_shows_them_as_away(service, tmp_path):
    config = WebchatConfig(
        secret_file=tmp_path / "webchat_secret", widget_dir=tmp_path / "widget", ping_interval=0.5, ping_timeout=0.5
    )
    channel = SecureSocketIOInput(config, service_provider=lambda: service, push_interval=0.05)
    from bot.safety.detector import shared_detector

    shared_detector()  # the gate's rule layer loads its spaCy pipeline once per process: not inside WAIT

    async def scenario() -> None:
        async with serve(channel, FakeRasa()) as url:
            person = Person(url)
            token = await person.open()
            conversation = channel.tokens().verify(token)
            handoff = (await asyncio.to_thread(service.request, conversation, "socketio", "asked")).handoff
            await person.say("how long will it be?")
            ack = await person.wait_for(lambda m: "the nurse will see that" in m.get("text", ""))
            assert ack["quick_replies"] == [
                {"content_type": "text", "title": "Leave the queue", "payload": "leave the queue"}
            ]
            await person.close()
            await wait_until_async(
                lambda: service.detail(handoff.id)[0].away_since is not None, "the person to be away"
            )
            again = Person(url)
            await again.open(token)
            await wait_until_async(lambda: service.detail(handoff.id)[0].away_since is None, "the person to be back")
            await again.say("leave the queue")  # what the button sends
            await again.wait_for(lambda m: "left the queue" in m.get("text", ""))
            await again.close()

    run(scenario)
