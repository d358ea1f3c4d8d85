"""Nurse handoff latency, end to end: a person in the web widget (socket.io), a nurse on the console's API.

- "new handoff visible": from the person sending "can I talk to a nurse" to the console's live
  feed (SSE, /api/events) delivering the `created` event;
- "nurse reply delivered": from the nurse's POST of a reply to the person's widget socket
  receiving that text.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from typing import Any, Dict, List, Tuple
from zoneinfo import ZoneInfo

import aiohttp
import socketio

from bench.stack import HelplineAssistant

ASK = "can I talk to a nurse please"
MONDAY_10AM = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))  # the helpline is open


class ConsoleFeed:
    """Reads the console's SSE stream and hands each `handoff` event to a queue, with its arrival time."""

    def __init__(self, session: aiohttp.ClientSession, url: str, token: str):
        self._session, self._url, self._token = session, url, token
        self.events: asyncio.Queue = asyncio.Queue()
        self._task: Any = None

    async def start(self) -> None:
        ready = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._read(ready))
        await asyncio.wait_for(ready, 20)

    async def _read(self, ready: asyncio.Future) -> None:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "text/event-stream"}
        async with self._session.get(f"{self._url}/api/events", headers=headers, timeout=None) as response:
            response.raise_for_status()
            kind = None
            async for raw in response.content:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: "):
                    if kind == "ready" and not ready.done():
                        ready.set_result(True)
                    elif kind == "handoff":
                        self.events.put_nowait((time.perf_counter(), json.loads(line[6:])))

    async def next_of(self, kind: str, timeout: float = 10) -> Tuple[float, Dict[str, Any]]:
        deadline = time.perf_counter() + timeout
        while True:
            at, event = await asyncio.wait_for(self.events.get(), max(0.01, deadline - time.perf_counter()))
            if event["kind"] == kind:
                return at, event

    async def stop(self) -> None:
        self._task.cancel()


class Person:
    """The widget's side of socket.io: asks for a session, sends messages, collects what arrives.

    It uses long-polling: the pinned python-engineio's websocket client needs a newer aiohttp than
    Rasa 3.6 allows. The server answers a waiting poll as soon as it emits, so delivery is not delayed.
    """

    def __init__(self, url: str):
        self._url = url
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: asyncio.Queue = asyncio.Queue()
        self._confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
        self.client.on("session_confirm", self._on_confirm)
        self.client.on("bot_uttered", self._on_message)

    async def _on_confirm(self, token: Any) -> None:
        if not self._confirmed.done():
            self._confirmed.set_result(token)

    async def _on_message(self, message: Dict[str, Any]) -> None:
        self.received.put_nowait((time.perf_counter(), message))

    async def connect(self) -> None:
        await self.client.connect(self._url, socketio_path="/socket.io", transports=["polling"])
        await self.client.emit("session_request", {})
        await asyncio.wait_for(self._confirmed, 10)

    async def say(self, text: str) -> None:
        await self.client.emit("user_uttered", {"message": text})

    async def wait_for_text(self, text: str, timeout: float = 10) -> float:
        deadline, seen = time.perf_counter() + timeout, []
        while True:
            try:
                at, message = await asyncio.wait_for(self.received.get(), max(0.01, deadline - time.perf_counter()))
            except asyncio.TimeoutError:
                raise AssertionError(f"{text!r} did not reach the person in {timeout}s; got {seen!r}") from None
            if str(message.get("text", "")).endswith(text):  # the widget shows "Nurse X (nurse): text"
                return at
            seen.append(message)


def create_nurse(assistant: HelplineAssistant) -> Tuple[str, str]:
    """A nurse account in the assistant's database, as `python -m bot.console create-nurse` makes one."""
    from argon2 import PasswordHasher

    from bot.clock import system_clock
    from bot.db import make_engine, make_session_factory
    from bot.handoff.nurses import NurseAccounts

    username, password = f"bench-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    engine = make_engine(assistant.env()["HELPLINE_DATABASE_URL"])
    NurseAccounts(make_session_factory(engine), system_clock, PasswordHasher()).create(
        username, "Nurse Bench", password
    )
    engine.dispose()
    return username, password


async def measure(assistant: HelplineAssistant, samples: int) -> Tuple[List[float], List[float]]:
    """Returns (new handoff → console, nurse reply → person) latencies in seconds."""
    console = f"http://127.0.0.1:{assistant.console_port}"
    username, password = await asyncio.to_thread(create_nurse, assistant)
    visible, delivered = [], []
    leaving: List[asyncio.Task] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        async with http.post(f"{console}/api/login", json={"username": username, "password": password}) as response:
            response.raise_for_status()
            token = (await response.json())["token"]
        auth = {"Authorization": f"Bearer {token}"}
        feed = ConsoleFeed(http, console, token)
        await feed.start()
        try:
            for i in range(samples + 1):  # the first one warms both servers up and is not counted
                person = Person(assistant.url)
                await person.connect()
                sent = time.perf_counter()
                await person.say(ASK)
                seen, event = await feed.next_of("created")
                if i:
                    visible.append(seen - sent)
                handoff = event["handoff_id"]
                async with http.post(f"{console}/api/handoffs/{handoff}/claim", headers=auth) as response:
                    response.raise_for_status()
                text = f"Hello, this is reply {i} from the nurse."
                sent = time.perf_counter()
                async with http.post(f"{console}/api/handoffs/{handoff}/reply", headers=auth, json={"text": text}) as r:
                    r.raise_for_status()
                arrived = await person.wait_for_text(text)
                if i:
                    delivered.append(arrived - sent)
                closing = {"outcome": "benchmark conversation"}
                async with http.post(f"{console}/api/handoffs/{handoff}/close", headers=auth, json=closing) as response:
                    response.raise_for_status()
                # Disconnecting a long-polling client waits for its open poll; let that happen meanwhile.
                leaving.append(asyncio.create_task(person.client.disconnect()))
        finally:
            await feed.stop()
            await asyncio.gather(*leaving, return_exceptions=True)
    return visible, delivered
