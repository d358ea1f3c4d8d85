"""A real socket.io server with the web chat's blueprint, widgets that talk to it, and a stand-in for Rasa."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import uuid
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Callable, Optional

import socketio
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels.webchat.channel import SecureSocketIOInput
from bot.channels.webchat.output import MESSAGE_ID, SEEN
from bot.channels.webchat.tokens import SECRET_BYTES
from tests.support.waiting import wait_until_async

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
        if message.text == "content please":  # as Rasa sends action_answer_from_content's reply
            answer = {"text": "An answer.\n\nLast reviewed May 2019.", "utter_action": "utter_content_answer"}
            await message.output_channel.send_response(message.sender_id, {**answer, "content_id": "coping-general"})
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
    """A widget: a socket.io client that keeps what the server sends it, and each message's id apart."""

    def __init__(self, url: str):
        self.url = url
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: list[dict] = []
        self.ids: list[str] = []
        self.confirmed: asyncio.Queue = asyncio.Queue()
        self.client.on("bot_uttered", self._receive)
        self.client.on("session_confirm", self.confirmed.put_nowait)

    def _receive(self, message: dict) -> None:
        metadata = {k: v for k, v in message.get("metadata", {}).items() if k != MESSAGE_ID}
        self.ids.append(message["metadata"][MESSAGE_ID])
        self.received.append(
            {k: v for k, v in message.items() if k != "metadata"} | ({"metadata": metadata} if metadata else {})
        )

    async def open(self, session_id: Any = None, seen: Any = None) -> str:
        """Connects; `seen`: the id of the last message stored, as the widget's accessibility layer sends it.

        Returns once the server has handled the request (its acknowledgement comes last), so what it sends
        again or delivers on return has arrived.
        """
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["polling"])
        request = {"session_id": session_id} | ({SEEN: seen} if seen is not None else {})
        await self.client.call("session_request", request, timeout=WAIT)
        return await asyncio.wait_for(self.confirmed.get(), WAIT)

    async def say(self, text: str, **extra: Any) -> None:
        await self.client.emit("user_uttered", {"message": text, **extra})

    async def said(self, text: str, **extra: Any) -> None:
        """Says it and returns once the server has handled it: all it sent before, answer included, has arrived."""
        await self.client.call("user_uttered", {"message": text, **extra}, timeout=WAIT)

    async def wait_for(self, predicate: Callable[[dict], bool]) -> dict:
        def found() -> Optional[dict]:
            return next((message for message in list(self.received) if predicate(message)), None)

        try:
            return await wait_until_async(found, "a message", timeout=WAIT, interval=0.02)
        except AssertionError:
            raise AssertionError(f"not received; got {self.received}") from None

    async def close(self) -> None:
        """Closes at once: over long-polling a polite disconnect waits for the poll to time out."""
        await self.client.eio.disconnect(abort=True)


def texts(person: Person) -> list[str]:
    return [m.get("text", "") for m in person.received]


def run(scenario: Callable[[], Any]) -> None:
    asyncio.run(scenario())


async def a_pusher_pass(channel: SecureSocketIOInput) -> None:
    """Returns once a whole pass of the channel's outbox pusher has run after the call: what it pushes is emitted."""
    pusher = channel._pusher
    assert pusher is not None, "the server is not running"
    push_once = pusher.push_once
    passes: list[int] = []

    async def counted() -> int:
        try:
            return await push_once()
        finally:
            passes.append(1)

    pusher.push_once = counted  # type: ignore[method-assign]  # a pass under way now called the original
    try:
        await wait_until_async(lambda: passes, "a pass of the outbox pusher", timeout=WAIT)
    finally:
        del pusher.push_once


def handoff_for(service, nurses, conversation_id: str):
    handoff = service.request(conversation_id, "socketio", "asked for a nurse").handoff
    service.claim(handoff.id, nurses[0].id)
    return handoff
