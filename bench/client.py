"""The load client: an asyncio REST client on aiohttp that checks every reply, so an error never counts as speed."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence, Tuple

import aiohttp

# A check gets the reply's texts and returns None when it is right, or what is wrong with it.
Check = Callable[[List[str]], Optional[str]]


class WrongReply(AssertionError):
    """A reply that was an error, empty or not the expected answer: the run stops, it is never timed."""


@dataclass(frozen=True)
class Turn:
    text: str
    check: Check


@dataclass
class Timings:
    seconds: List[float] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0

    @property
    def wall(self) -> float:
        return self.ended - self.started


class RestClient:
    """Talks to `/webhooks/rest/webhook` over one keep-alive connection pool, as a website backend would."""

    def __init__(self, base_url: str, connections: int = 20):
        self._url = f"{base_url}/webhooks/rest/webhook"
        self._connections = connections
        self._session: Optional[aiohttp.ClientSession] = None

    async def __aenter__(self) -> RestClient:
        connector = aiohttp.TCPConnector(limit=self._connections)
        self._session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60))
        return self

    async def __aexit__(self, *exc) -> None:
        assert self._session is not None
        await self._session.close()

    async def say(self, sender: str, turn: Turn) -> float:
        """Sends one message, checks the reply and returns the seconds it took."""
        assert self._session is not None
        started = time.perf_counter()
        async with self._session.post(self._url, json={"sender": sender, "message": turn.text}) as response:
            body = await response.json(content_type=None) if response.status == 200 else await response.text()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise WrongReply(f"{turn.text!r}: HTTP {response.status}: {str(body)[:200]}")
        texts = [m.get("text", "") for m in body if isinstance(m, dict)]
        problem = turn.check(texts)
        if problem:
            raise WrongReply(f"{turn.text!r} (sender {sender}): {problem}; got {texts!r}")
        return elapsed

    async def conversation(self, sender: str, turns: Sequence[Turn], timings: Timings) -> None:
        for turn in turns:
            timings.seconds.append(await self.say(sender, turn))


async def run_conversations(
    base_url: str, conversations: Sequence[Tuple[str, Sequence[Turn]]], concurrency: int
) -> Timings:
    """Runs the conversations `concurrency` at a time; each conversation's turns stay in order."""
    timings = Timings()
    queue: asyncio.Queue = asyncio.Queue()
    for item in conversations:
        queue.put_nowait(item)

    async with RestClient(base_url, connections=concurrency) as client:

        async def worker() -> None:
            while not queue.empty():
                sender, turns = queue.get_nowait()
                await client.conversation(sender, turns, timings)

        timings.started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        timings.ended = time.perf_counter()
    return timings


def contains(fragment: str) -> Check:
    def check(texts: List[str]) -> Optional[str]:
        return None if any(fragment in t for t in texts) else f"no reply contains {fragment!r}"

    return check


def one_of(expected: Sequence[str]) -> Check:
    wanted = set(expected)

    def check(texts: List[str]) -> Optional[str]:
        return None if texts and all(t in wanted for t in texts) else f"expected one of {sorted(wanted)!r}"

    return check


def not_empty(texts: List[str]) -> Optional[str]:
    return None if texts and all(texts) else "empty reply"
