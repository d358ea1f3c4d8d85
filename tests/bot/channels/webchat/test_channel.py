"""The channel over a real socket: a conversation is reached only by its token; bounds, floods and buttons."""

from __future__ import annotations

import pytest

from bot.channels.webchat.channel import SecureSocketIOInput
from bot.channels.webchat.config import WebchatConfig
from bot.channels.webchat.tokens import ConversationTokens
from bot.wording import Wording
from tests.bot.channels.webchat.harness import OTHER_KEY, FakeRasa, Person, run, serve, texts


def test_a_new_visitor_gets_a_token_not_a_raw_id_and_can_come_back(channel):
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            first = Person(url)
            token = await first.open()
            conversation = channel.tokens().verify(token)
            assert conversation is not None and token != conversation
            await first.say("hello")
            await first.wait_for(lambda m: m.get("text") == "echo: hello")
            await first.close()

            again = Person(url)
            assert await again.open(token) == token  # the widget keeps showing the same conversation
            await again.say("still me")
            await again.wait_for(lambda m: m.get("text") == "echo: still me")
            await again.close()
            assert rasa.seen == [(conversation, "hello"), (conversation, "still me")]

    run(scenario)


@pytest.mark.parametrize("kind", ["raw id", "other key", "tampered"])
def test_presenting_someone_elses_id_without_their_token_starts_a_new_empty_conversation(channel, kind):
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            victim = Person(url)
            victim_token = await victim.open()
            victim_id = channel.tokens().verify(victim_token)
            assert victim_id is not None
            await victim.say("my private worry")
            await victim.wait_for(lambda m: m.get("text") == "echo: my private worry")

            forged = {
                "raw id": victim_id,
                "other key": ConversationTokens(OTHER_KEY).issue(victim_id),
                "tampered": victim_token[:-3] + ("AAA" if not victim_token.endswith("AAA") else "BBB"),
            }[kind]
            attacker = Person(url)
            attacker_token = await attacker.open(forged)
            attacker_id = channel.tokens().verify(attacker_token)
            assert attacker_id is not None and attacker_id != victim_id and attacker_token != forged
            await attacker.say("written by the attacker")
            await attacker.wait_for(lambda m: m.get("text") == "echo: written by the attacker")
            await victim.say("second private message")
            await victim.wait_for(lambda m: m.get("text") == "echo: second private message")

            assert not any("private" in t for t in texts(attacker))
            assert not any("attacker" in t for t in texts(victim))
            assert (victim_id, "written by the attacker") not in rasa.seen
            assert (attacker_id, "written by the attacker") in rasa.seen
            await attacker.close()
            await victim.close()

    run(scenario)


def test_the_session_id_inside_a_message_is_ignored(channel):
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            victim = Person(url)
            victim_token = await victim.open()
            victim_id = channel.tokens().verify(victim_token)
            attacker = Person(url)
            attacker_id = channel.tokens().verify(await attacker.open())

            # Even with the victim's real token in the message, it goes to the attacker's own conversation.
            for session_id in (victim_token, victim_id):
                await attacker.said("injected", session_id=session_id, sender=victim_id)
            assert rasa.seen == [(attacker_id, "injected"), (attacker_id, "injected")]
            assert texts(attacker) == ["echo: injected", "echo: injected"]
            await victim.said("mine")  # answered after anything sent to the victim before
            assert texts(victim) == ["echo: mine"]
            await attacker.close()
            await victim.close()

    run(scenario)


def test_a_message_before_session_request_goes_nowhere(channel):
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            person = Person(url)
            await person.client.connect(url, socketio_path="/socket.io", transports=["polling"])
            await person.said("hello?", session_id="web-" + "0" * 32)  # handled, and anything it sent arrived
            assert rasa.seen == [] and person.received == []
            await person.close()

    run(scenario)


def test_a_message_over_the_length_bound_is_answered_and_goes_no_further(channel):
    from bot.limits import MAX_MESSAGE_CHARS, TOO_LONG_RESPONSE

    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            person = Person(url)
            await person.open()
            await person.say("x" * (MAX_MESSAGE_CHARS + 1))
            await person.wait_for(lambda m: m.get("text") == Wording.from_domain().text(TOO_LONG_RESPONSE))
            await person.say("hi \ud83d")  # half an emoji: what no store can hold is replaced
            await person.wait_for(lambda m: m.get("text", "").startswith("echo: hi"))
            assert [text for _, text in rasa.seen] == ["hi \ufffd"]
            await person.close()

    run(scenario)


def test_one_address_cannot_flood_conversations_through_the_widget(service, tmp_path):
    from bot.channels.rate_limit import NEW_CONVERSATIONS, TOO_MANY_RESPONSE, RateLimiter

    rasa = FakeRasa()
    channel = SecureSocketIOInput(
        WebchatConfig(secret_file=tmp_path / "webchat_secret", widget_dir=tmp_path / "widget"),
        service_provider=lambda: service,
        limits=RateLimiter(),
    )

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            people = [Person(url) for _ in range(NEW_CONVERSATIONS + 2)]
            for person in people:
                await person.open()
                await person.say("I have crushing chest pain")
            await people[-1].wait_for(lambda m: m.get("text") == Wording.from_domain().text(TOO_MANY_RESPONSE))
            await people[NEW_CONVERSATIONS - 1].wait_for(lambda m: m.get("text", "").startswith("echo:"))
            assert len(rasa.seen) == NEW_CONVERSATIONS
            for person in people:
                await person.close()

    run(scenario)


def test_buttons_become_quick_replies(channel):
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            person = Person(url)
            await person.open()
            await person.say("buttons please")
            message = await person.wait_for(lambda m: "quick_replies" in m)
            assert message["text"] == "Did you mean one of these?"
            assert message["quick_replies"] == [
                {"content_type": "text", "title": "Treatment", "payload": "/ask_treatment"}
            ]
            await person.close()

    run(scenario)
