"""The REST channel's arrival stamp: what the load balancer says, unless it is not believable."""

from __future__ import annotations

import asyncio
import json
import uuid
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable, Optional, Tuple

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels.gate import HandoffGate
from bot.channels.rate_limit import CONVERSATION_MESSAGES, NEW_CONVERSATIONS, TOO_MANY_RESPONSE, RateLimiter
from bot.channels.rest import HelplineRestInput, arrival_time
from bot.client_address import parse_networks
from bot.limits import MAX_MESSAGE_CHARS, MAX_SENDER_CHARS, SERVER_BODY_MAX_BYTES, TOO_LONG_RESPONSE
from bot.wording import Wording
from ops.ports import free_port

NOW = 1_795_257_945.5


@pytest.mark.parametrize(
    "header, expected",
    [
        ("t=1795257945.417", 1795257945.417),  # nginx's $msec
        ("1795257945417", 1795257945.417),  # milliseconds
        ("t=1795257945417000", 1795257945.417),  # microseconds
        (None, NOW),
        ("", NOW),
        ("soon", NOW),
        ("t=1795250000.0", NOW),  # two hours ago: a client's own header or a broken clock
        ("t=1795257999.0", NOW),  # in the future
    ],
)
def test_arrival_time(header, expected):
    assert arrival_time(header, NOW) == pytest.approx(expected)


# ----- the input edge, on a real Sanic server with the channel's blueprint -----


class FakeRasa:
    """Stands in for Rasa: records what reached it, and fails on request (as Rasa can)."""

    def __init__(self) -> None:
        self.seen: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.seen.append(message)
        if message.text == "fail please":
            raise RuntimeError("handling failed")
        await message.output_channel.send_text_message(message.sender_id, f"echo: {message.text}")


@asynccontextmanager
async def serve(channel: HelplineRestInput, rasa: FakeRasa) -> AsyncIterator[Tuple[str, Sanic]]:
    Sanic.test_mode = True
    app = Sanic(f"rest_test_{uuid.uuid4().hex}")
    app.blueprint(channel.blueprint(rasa), url_prefix="/webhooks/rest")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}/webhooks/rest/webhook", app
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()


@pytest.fixture
def rest_channel(service) -> HelplineRestInput:
    return HelplineRestInput(gate=HandoffGate(lambda: service), wording=Wording.from_domain())


async def post(url: str, body: Any = None, raw: Optional[bytes] = None, **params: str) -> Tuple[int, Any]:
    data = raw if raw is not None else json.dumps(body).encode()
    async with aiohttp.ClientSession() as session:
        async with session.post(
            url, data=data, params=params, headers={"content-type": "application/json"}, timeout=10
        ) as response:
            text = await response.text()
            try:
                return response.status, json.loads(text)
            except ValueError:
                return response.status, text


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(scenario())


BAD_BODIES = [
    (b"", "empty"),
    (b"[]", "must be a JSON object"),
    (b'"hi"', "must be a JSON object"),
    (b"null", "must be a JSON object"),
    (b"{not json", "not valid JSON"),
    (b'{"message": "hi"}', "'sender' is required"),
    (b'{"sender": "", "message": "hi"}', "'sender' must not be empty"),
    (b'{"sender": "  ", "message": "hi"}', "'sender' must not be empty"),
    (b'{"sender": ["a", "b"], "message": "hi"}', "'sender' must be a string"),
    (b'{"sender": 7, "message": "hi"}', "'sender' must be a string"),
    (json.dumps({"sender": "x" * (MAX_SENDER_CHARS + 1), "message": "hi"}).encode(), "at most"),
    (b'{"sender": "a\\u0000b", "message": "hi"}', "control characters"),
    (b'{"sender": "a"}', "'message' is required"),
    (b'{"sender": "a", "message": ["call me on 07700 900123"]}', "'message' must be a string"),
    (b'{"sender": "a", "message": {"text": "jane@example.com"}}', "'message' must be a string"),
    (b'{"sender": "a", "message": 5}', "'message' must be a string"),
    (b'{"sender": "a", "message": "hi \\ud800 my email is a@b.com"}', "not valid Unicode"),
    (b'{"sender": "a", "message": "nul \\u0000 here"}', "NUL"),
]


@pytest.mark.parametrize("raw, error", BAD_BODIES, ids=[b[1] for b in BAD_BODIES])
def test_a_bad_body_gets_400_with_a_clear_error_and_reaches_nothing(rest_channel, raw, error):
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(rest_channel, rasa) as (url, _):
            status, body = await post(url, raw=raw)
            streamed_status, streamed = await post(url, raw=raw, stream="true")
        assert (status, streamed_status) == (400, 400)
        assert error in body["error"] and error in streamed["error"]
        assert rasa.seen == []

    run(scenario)


def test_a_message_over_the_bound_gets_413_and_the_reply_from_the_domain(rest_channel):
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(rest_channel, rasa) as (url, _):
            status, body = await post(url, {"sender": "a", "message": "x" * (MAX_MESSAGE_CHARS + 1)})
            ok_status, ok_body = await post(url, {"sender": "a", "message": "y" * MAX_MESSAGE_CHARS})
        assert status == 413
        assert body == [{"recipient_id": "a", "text": Wording.from_domain().text(TOO_LONG_RESPONSE)}]
        assert ok_status == 200 and ok_body[-1]["text"] == "echo: " + "y" * MAX_MESSAGE_CHARS
        assert [len(m.text or "") for m in rasa.seen] == [MAX_MESSAGE_CHARS]

    run(scenario)


def test_the_server_refuses_a_huge_body_before_reading_it(rest_channel):
    async def scenario() -> None:
        async with serve(rest_channel, FakeRasa()) as (url, app):
            assert app.config.REQUEST_MAX_SIZE == SERVER_BODY_MAX_BYTES
            status, _ = await post(url, raw=json.dumps({"sender": "a", "message": "x" * 2_000_000}).encode())
        assert status == 413

    run(scenario)


def test_a_client_cannot_choose_the_input_channel(rest_channel):
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(rest_channel, rasa) as (url, _):
            status, _ = await post(url, {"sender": "a", "message": "hi", "input_channel": "twilio"})
        assert status == 200 and [m.input_channel for m in rasa.seen] == ["rest"]

    run(scenario)


def test_a_stream_always_ends_even_when_handling_fails(rest_channel):
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(rest_channel, rasa) as (url, _):
            failing = post(url, {"sender": "a", "message": "fail please"}, stream="true")
            status, _ = await asyncio.wait_for(failing, 10)
            ok_status, ok_body = await asyncio.wait_for(post(url, {"sender": "a", "message": "hi"}, stream="true"), 10)
        assert status == 200 and ok_status == 200
        assert ok_body == {"recipient_id": "a", "text": "echo: hi"}  # one JSON line per reply

    run(scenario)


# ----- rate limits (issue 13, M4) -----


def limited_channel(service, **kwargs) -> HelplineRestInput:
    settings = {"trusted_proxies": parse_networks(["127.0.0.1"]), **kwargs}
    return HelplineRestInput(
        gate=HandoffGate(lambda: service), wording=Wording.from_domain(), limits=RateLimiter(), **settings
    )


async def post_from(url: str, address: str, body: dict) -> Tuple[int, Any]:
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=body, headers={"X-Forwarded-For": address}, timeout=10) as response:
            return response.status, await response.json(content_type=None)


def test_one_address_cannot_open_conversations_without_limit(service):
    rasa = FakeRasa()
    channel = limited_channel(service)

    async def scenario() -> None:
        async with serve(channel, rasa) as (url, _):
            flood = [
                await post_from(url, "203.0.113.9", {"sender": f"anon-{i}", "message": "I have crushing chest pain"})
                for i in range(20)
            ]
            other = await post_from(url, "203.0.113.10", {"sender": "someone-else", "message": "hello"})
        statuses = [status for status, _ in flood]
        assert statuses[:NEW_CONVERSATIONS] == [200] * NEW_CONVERSATIONS
        assert set(statuses[NEW_CONVERSATIONS:]) == {429}
        assert flood[-1][1][0]["text"] == Wording.from_domain().text(TOO_MANY_RESPONSE)
        assert len(rasa.seen) == NEW_CONVERSATIONS + 1 and other[0] == 200  # others are not held up

    run(scenario)


def test_one_conversation_cannot_send_without_limit(service):
    rasa = FakeRasa()

    async def scenario() -> None:
        async with serve(limited_channel(service), rasa) as (url, _):
            statuses = [
                (await post_from(url, f"203.0.113.{i}", {"sender": "one", "message": f"m{i}"}))[0] for i in range(20)
            ]
        assert statuses == [200] * CONVERSATION_MESSAGES + [429] * (20 - CONVERSATION_MESSAGES)

    run(scenario)


def test_a_forwarded_address_is_believed_only_from_a_trusted_proxy(service):
    rasa = FakeRasa()
    channel = limited_channel(service, trusted_proxies=parse_networks(["192.0.2.1"]))  # not this client

    async def scenario() -> None:
        async with serve(channel, rasa) as (url, _):
            statuses = [
                (await post_from(url, f"198.51.100.{i}", {"sender": f"s{i}", "message": "hi"}))[0] for i in range(12)
            ]
        assert statuses.count(429) == 12 - NEW_CONVERSATIONS  # all counted as 127.0.0.1, whatever the header said

    run(scenario)
