"""The web chat channel: only a server-signed token reaches a conversation, and a socket acts only for its own."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import stat
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Optional

import jwt
import pytest
import requests
import socketio
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels.webchat import (
    AUDIENCE,
    CLEAN_CLOSE_DOUBT,
    GOOGLE_FONTS_IMPORT,
    SECRET_BYTES,
    ConversationTokens,
    RecentlySent,
    SameOriginOr,
    SecureSocketIOInput,
    WebchatConfig,
    default_secret_file,
    load_or_create_secret,
    markdown_literal,
)
from bot.wording import Wording

KEY = b"k" * SECRET_BYTES
OTHER_KEY = b"o" * SECRET_BYTES
WAIT = 5.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def payload_of(token: str) -> dict:
    """What anyone holding a token can read from it (the signature is what they cannot make)."""
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


# ----- tokens -----


@pytest.fixture
def tokens() -> ConversationTokens:
    return ConversationTokens(KEY, session_hours=1)


def test_a_new_conversation_has_a_random_id_and_a_token_that_verifies(tokens):
    conversation, token = tokens.new_conversation()
    other, _ = tokens.new_conversation()
    assert conversation != other and conversation.startswith("web-") and len(conversation) == 36
    assert tokens.verify(token) == conversation


@pytest.mark.parametrize(
    "forged",
    [
        None,
        "",
        42,
        {"session_id": "x"},
        "web-" + "0" * 32,  # a raw conversation id
        "not.a.token",
        "x" * 5000,
    ],
)
def test_anything_but_a_signed_token_is_refused(tokens, forged):
    assert tokens.verify(forged) is None


def test_the_raw_id_of_a_real_conversation_is_refused(tokens):
    conversation, _ = tokens.new_conversation()
    assert tokens.verify(conversation) is None


def test_a_token_signed_with_another_key_is_refused(tokens):
    conversation, _ = tokens.new_conversation()
    assert tokens.verify(ConversationTokens(OTHER_KEY).issue(conversation)) is None


def test_a_tampered_token_is_refused(tokens):
    mine, token = tokens.new_conversation()
    victim, _ = tokens.new_conversation()
    header, body, signature = token.split(".")
    claims = payload_of(token)
    claims["sub"] = victim
    forged_body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert tokens.verify(f"{header}.{forged_body}.{signature}") is None
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert tokens.verify(f"{header}.{body}.{flipped}") is None
    assert tokens.verify(token) == mine


def test_unsigned_and_other_algorithm_tokens_are_refused(tokens):
    conversation, _ = tokens.new_conversation()
    claims = {"sub": conversation, "aud": AUDIENCE, "iat": int(time.time()), "exp": int(time.time()) + 60}
    assert tokens.verify(jwt.encode(claims, None, algorithm="none")) is None
    assert tokens.verify(jwt.encode(claims, KEY, algorithm="HS512")) is None


def test_a_token_for_another_purpose_or_id_shape_is_refused(tokens):
    now = int(time.time())
    console_like = {"sub": "web-" + "a" * 32, "aud": "helpline-console", "iat": now, "exp": now + 60}
    assert tokens.verify(jwt.encode(console_like, KEY, algorithm="HS256")) is None
    not_ours = {"sub": "someone-else", "aud": AUDIENCE, "iat": now, "exp": now + 60}
    assert tokens.verify(jwt.encode(not_ours, KEY, algorithm="HS256")) is None
    no_expiry = {"sub": "web-" + "a" * 32, "aud": AUDIENCE, "iat": now}
    assert tokens.verify(jwt.encode(no_expiry, KEY, algorithm="HS256")) is None


def test_an_expired_token_is_refused(tokens):
    conversation, _ = tokens.new_conversation()
    assert tokens.verify(tokens.issue(conversation, now=time.time() - 2 * 3600)) is None
    assert tokens.verify(tokens.issue(conversation, now=time.time() - 1800)) == conversation


def test_the_key_is_made_once_with_mode_600(tmp_path):
    path = tmp_path / "sub" / "webchat_secret"
    first = load_or_create_secret(path)
    assert len(first) == SECRET_BYTES and load_or_create_secret(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_bytes(b"short")
    with pytest.raises(ValueError):
        load_or_create_secret(path)


def test_the_key_file_comes_from_the_environment(tmp_path):
    assert default_secret_file({"HELPLINE_WEBCHAT_SECRET_FILE": "/x/key"}) == Path("/x/key")
    assert default_secret_file({"HELPLINE_DATA_DIR": str(tmp_path)}) == tmp_path / "webchat_secret"


def test_the_key_is_not_created_until_it_is_needed(tmp_path):
    path = tmp_path / "webchat_secret"
    channel = SecureSocketIOInput(WebchatConfig(secret_file=path))
    assert not path.exists()
    channel.tokens()
    assert path.exists()


def test_credentials_are_read_and_checked():
    config = WebchatConfig.from_credentials(
        {"session_hours": 2, "cors_allowed_origins": ["https://www.example.org"], "demo_page": False}
    )
    assert config.session_hours == 2 and not config.demo_page and config.socketio_path == "/socket.io"
    with pytest.raises(ValueError):
        WebchatConfig.from_credentials({"cors_allowed_origins": 3})


def test_origins_same_origin_and_configured_only():
    check = SameOriginOr(["https://www.example.org/"])
    environ = {"HTTP_HOST": "chat.example.org", "wsgi.url_scheme": "https"}
    assert check("https://www.example.org", environ)
    assert check("https://chat.example.org", environ)
    assert not check("https://evil.example.com", environ)
    assert not check("http://chat.example.org", environ)


def test_nurse_text_cannot_become_a_link():
    text = markdown_literal("[click](javascript:alert(1)) <b>hi</b> \\")
    assert text == "\\[click\\](javascript:alert(1)) &lt;b>hi&lt;/b> \\\\"  # shown as written


@pytest.mark.parametrize(
    "autolink", ["<javascript://%0Aalert(1)>", "<vbscript://x>", "<data://text/html,x>", "<https://evil.example/>"]
)
def test_nurse_text_cannot_become_an_autolink(autolink):
    """The widget's markdown turns <scheme:…> into a live link (issue 13, L1)."""
    text = markdown_literal(f"see {autolink} & now")
    assert "<" not in text and text == f"see {autolink.replace('<', '&lt;')} &amp; now"


def test_the_origin_check_trusts_forwarded_headers_only_from_a_trusted_proxy():
    from bot.client_address import parse_networks

    forged = {"HTTP_HOST": "chat.example.org", "HTTP_X_FORWARDED_HOST": "evil.example", "REMOTE_ADDR": "203.0.113.5"}
    assert not SameOriginOr([])("http://evil.example", forged)  # issue 13, L9
    proxied = {**forged, "REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_HOST": "chat.example.org"}
    proxied["HTTP_HOST"] = "127.0.0.1:5105"
    assert SameOriginOr([], parse_networks(["127.0.0.1"]))("http://chat.example.org", proxied)
    assert not SameOriginOr([])("http://chat.example.org", proxied)  # no proxy configured: Host only


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_what_was_sent_just_before_a_silent_death_is_kept_for_the_return():
    clock = FakeClock()
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
    clock = FakeClock()
    recently = RecentlySent(keep=30, clock=clock, lost_for=100)
    recently.record("c1", {"text": "x"})
    recently.record("nobody-there", {"text": "y"})
    recently.gone("c1", in_doubt=10)
    clock.now += 101
    recently.gone("c2", in_doubt=10)
    assert recently.take_lost("c1") == []
    recently.gone("nobody-there", in_doubt=200)  # swept already: it was quiet for longer than `keep`
    assert recently.take_lost("nobody-there") == []


# ----- a real socket.io server with the channel's blueprint -----


class FakeRasa:
    """Stands in for Rasa: records who each message was for and answers through the channel's output."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    async def __call__(self, message: UserMessage) -> None:
        self.seen.append((message.sender_id, message.text or ""))
        if message.text == "buttons please":
            await message.output_channel.send_text_with_buttons(
                message.sender_id, "Did you mean one of these?", [{"title": "Treatment", "payload": "/ask_treatment"}]
            )
            return
        await message.output_channel.send_text_message(message.sender_id, f"echo: {message.text}")


@asynccontextmanager
async def serve(channel: SecureSocketIOInput, rasa: FakeRasa) -> AsyncIterator[str]:
    Sanic.test_mode = True  # lets several apps start in one process (Sanic rewrites its own methods at startup)
    app = Sanic(f"webchat_test_{uuid.uuid4().hex}")
    app.blueprint(channel.blueprint(rasa), url_prefix="/webhooks/socketio")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()


class Person:
    """A widget: a socket.io client that keeps what the server sends it."""

    def __init__(self, url: str):
        self.url = url
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: list[dict] = []
        self.confirmed: asyncio.Queue = asyncio.Queue()
        self.client.on("bot_uttered", self.received.append)
        self.client.on("session_confirm", self.confirmed.put_nowait)

    async def open(self, session_id: Any = None) -> str:
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["polling"])
        await self.client.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), WAIT)

    async def say(self, text: str, **extra: Any) -> None:
        await self.client.emit("user_uttered", {"message": text, **extra})

    async def wait_for(self, predicate: Callable[[dict], bool]) -> dict:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for message in self.received:
                if predicate(message):
                    return message
            await asyncio.sleep(0.02)
        raise AssertionError(f"not received; got {self.received}")

    async def close(self) -> None:
        """Closes at once: over long-polling a polite disconnect waits for the poll to time out."""
        await self.client.eio.disconnect(abort=True)


def texts(person: Person) -> list[str]:
    return [m.get("text", "") for m in person.received]


@pytest.fixture
def channel(service, tmp_path) -> SecureSocketIOInput:
    return SecureSocketIOInput(
        WebchatConfig(secret_file=tmp_path / "webchat_secret", widget_dir=tmp_path / "widget"),
        service_provider=lambda: service,
        push_interval=0.05,
    )


def run(scenario: Callable[[], Any]) -> None:
    asyncio.run(scenario())


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
                await attacker.say("injected", session_id=session_id, sender=victim_id)
            await attacker.wait_for(lambda m: m.get("text") == "echo: injected")
            await asyncio.sleep(0.3)
            assert rasa.seen == [(attacker_id, "injected"), (attacker_id, "injected")]
            assert texts(victim) == []
            await attacker.close()
            await victim.close()

    run(scenario)


def test_a_message_before_session_request_goes_nowhere(channel):
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            person = Person(url)
            await person.client.connect(url, socketio_path="/socket.io", transports=["polling"])
            await person.say("hello?", session_id="web-" + "0" * 32)
            await asyncio.sleep(0.3)
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


def handoff_for(service, nurses, conversation_id: str):
    handoff = service.request(conversation_id, "socketio", "asked for a nurse").handoff
    service.claim(handoff.id, nurses[0].id)
    return handoff


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
            assert "metadata" not in joined  # a system notice is a plain bot message
            reply = await person.wait_for(lambda m: "see" in m.get("text", ""))
            assert reply["text"] == "Nurse 1 (nurse): Hello, \\[see\\](javascript:x) me"
            assert reply["metadata"]["customCss"]["css"] == "helpline-nurse"
            await until(lambda: service.pending_for(conversation) == [], "emitted, then marked delivered")

            await person.say("thank you nurse")  # goes to the nurse, not to Rasa
            for _ in range(50):
                _, messages = await asyncio.to_thread(service.detail, handoff.id)
                if messages[-1].text == "thank you nurse":
                    break
                await asyncio.sleep(0.05)
            assert messages[-1].author == "person" and messages[-1].text == "thank you nurse"
            assert rasa.seen == []
            await asyncio.sleep(0.3)
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
            handoff = await asyncio.to_thread(handoff_for, service, nurses, conversation)
            await asyncio.to_thread(service.reply, handoff.id, nurses[0].id, "Written while you were away")
            await asyncio.sleep(0.3)
            assert len(await asyncio.to_thread(service.pending_for, conversation)) == 2  # nobody there: kept

            stranger = Person(url)
            await stranger.open(conversation)  # the raw id: a new conversation
            await asyncio.sleep(0.3)
            assert stranger.received == []
            assert len(await asyncio.to_thread(service.pending_for, conversation)) == 2

            back = Person(url)
            await back.open(token)
            await back.wait_for(lambda m: "Written while you were away" in m.get("text", ""))
            assert [t.split(",")[0] for t in texts(back)] == ["Nurse 1", "Nurse 1 (nurse): Written while you were away"]
            # sent, then marked delivered: the mark follows the emit, so it is awaited
            await until(lambda: service.pending_for(conversation) == [], "both messages marked delivered")
            await stranger.close()
            await back.close()

    run(scenario)


@pytest.mark.parametrize(
    "reason, resent",
    [("ping timeout", True), ("transport error", True), ("transport close", False), ("client disconnect", False)],
)
def test_after_a_silent_death_recent_messages_are_sent_again_on_return(channel, service, nurses, reason, resent):
    """A phone loses signal: the server emits into a dead socket until the ping times out."""
    clock = FakeClock()
    channel.recently = RecentlySent(keep=channel.silent_death_window, clock=clock)
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(channel, rasa) as url:
            person = Person(url)
            token = await person.open()
            conversation = channel.tokens().verify(token)
            assert conversation is not None
            handoff = await asyncio.to_thread(handoff_for, service, nurses, conversation)
            await asyncio.to_thread(service.reply, handoff.id, nurses[0].id, "Please call 999 now")
            await person.wait_for(lambda m: "999" in m.get("text", ""))
            await until(lambda: service.pending_for(conversation) == [], "emitted, then marked delivered")

            clock.now += CLEAN_CLOSE_DOUBT + 1  # the dead socket is noticed a while after the emit
            await channel.on_disconnect(person.client.get_sid("/"), reason)
            await person.close()

            back = Person(url)
            await back.open(token)
            await asyncio.sleep(0.3)
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
                await person.say(f"message {i}")
            await person.wait_for(lambda m: "reply 4" in m.get("text", ""))
            await asyncio.sleep(0.5)
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
            await asyncio.sleep(0.3)
            assert len([t for t in texts(person) if "only once" in t]) == 1
            assert len([t for t in texts(person) if "joined" in t]) == 1
            await person.close()

    run(scenario)


def widget_channel(service, tmp_path, bundle: Optional[bytes]) -> SecureSocketIOInput:
    widget = tmp_path / "widget"
    if bundle is not None:
        (widget / "lib").mkdir(parents=True)
        (widget / "lib" / "index.js").write_bytes(bundle)
    return SecureSocketIOInput(
        WebchatConfig(secret_file=tmp_path / "webchat_secret", widget_dir=widget), service_provider=lambda: service
    )


def test_the_widget_is_served_without_its_google_fonts_import(service, tmp_path):
    channel = widget_channel(service, tmp_path, b"/*a*/" + GOOGLE_FONTS_IMPORT + b"/*b*/")

    async def scenario() -> None:
        async with serve(channel, FakeRasa()) as url:
            got = await asyncio.to_thread(requests.get, f"{url}/webhooks/socketio/widget.js", timeout=5)
            assert got.status_code == 200 and got.content == b"/*a*//*b*/"
            assert got.headers["content-type"].startswith("application/javascript")
            again = await asyncio.to_thread(
                requests.get,
                f"{url}/webhooks/socketio/widget.js",
                headers={"If-None-Match": got.headers["etag"]},
                timeout=5,
            )
            assert again.status_code == 304
            page = await asyncio.to_thread(requests.get, f"{url}/webhooks/socketio/demo", timeout=5)
            assert page.status_code == 200
            assert "This assistant gives information, not a diagnosis. In an emergency call 999." in page.text
            assert 'src="/webhooks/socketio/widget.js"' in page.text
            assert "script-src 'self'" in page.headers["content-security-policy"]
            assert "http" not in page.text.split("<body>")[1]  # nothing loaded from elsewhere

    run(scenario)


def test_a_missing_widget_is_reported_plainly(service, tmp_path):
    channel = widget_channel(service, tmp_path, None)

    async def scenario() -> None:
        async with serve(channel, FakeRasa()) as url:
            got = await asyncio.to_thread(requests.get, f"{url}/webhooks/socketio/widget.js", timeout=5)
            assert got.status_code == 503 and "scripts/install-widget.sh" in got.text

    run(scenario)


# ----- the person's journey: "Leave the queue", presence -----


async def until(check: Callable[[], Any], what: str) -> Any:
    """Waits for a change made by the server (polling the database), never for a fixed time."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        result = await asyncio.to_thread(check)
        if result:
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


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
            await until(lambda: service.detail(handoff.id)[0].away_since is not None, "the person to be away")
            again = Person(url)
            await again.open(token)
            await until(lambda: service.detail(handoff.id)[0].away_since is None, "the person to be back")
            await again.say("leave the queue")  # what the button sends
            await again.wait_for(lambda m: "left the queue" in m.get("text", ""))
            await again.close()

    run(scenario)
