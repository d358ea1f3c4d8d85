"""Per-client and per-conversation rate limits at the channels' edge (issue 13, M4).

Anyone can open a conversation, and a message about an urgent symptom puts it at the top of
the nurses' queue. Without limits, 20 anonymous requests made 20 urgent handoffs in a second.
Here, for each client address (the real one: bot/client_address.py):

- new conversations: NEW_CONVERSATIONS at once, then one more every 60 / NEW_PER_MINUTE seconds;
- messages: MESSAGES at once, then MESSAGES_PER_MINUTE a minute;

and for each conversation, CONVERSATION_MESSAGES at once, then CONVERSATION_PER_MINUTE a minute.
A refused message never reaches the gate or Rasa: the person is asked to wait
(`utter_too_many_messages`), and REST answers 429 with Retry-After.

HELPLINE_RATE_LIMITS=off turns them off (the benchmark and the end-to-end tests, which send
thousands of messages from one address). Counts are per process and bounded in memory.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Mapping, Optional

NEW_CONVERSATIONS, NEW_PER_MINUTE = 10, 6.0
MESSAGES, MESSAGES_PER_MINUTE = 40, 60.0
CONVERSATION_MESSAGES, CONVERSATION_PER_MINUTE = 15, 30.0
MAX_KEYS = 100_000
SWITCH = "HELPLINE_RATE_LIMITS"
TOO_MANY_RESPONSE = "utter_too_many_messages"


@dataclass
class _Bucket:
    tokens: float
    at: float


class Buckets:
    """Token buckets by key: `capacity` at once, refilled at `per_minute`; the least recently used are forgotten."""

    def __init__(self, capacity: int, per_minute: float, clock: Callable[[], float], max_keys: int = MAX_KEYS):
        self.capacity = capacity
        self.rate = per_minute / 60.0
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def _tokens(self, key: str, now: float) -> float:
        bucket = self._buckets.get(key)
        if bucket is None:
            return float(self.capacity)
        return min(float(self.capacity), bucket.tokens + (now - bucket.at) * self.rate)

    def wait(self, key: str) -> float:
        """Seconds until `key` may go (0 when it may go now); changes nothing."""
        tokens = self._tokens(key, self._clock())
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def take(self, key: str) -> None:
        now = self._clock()
        self._buckets[key] = _Bucket(self._tokens(key, now) - 1, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)

    def knows(self, key: str) -> bool:
        return key in self._buckets


class RateLimiter:
    def __init__(self, clock: Callable[[], float] = time.monotonic, enabled: bool = True):
        self.enabled = enabled
        self._new = Buckets(NEW_CONVERSATIONS, NEW_PER_MINUTE, clock)
        self._messages = Buckets(MESSAGES, MESSAGES_PER_MINUTE, clock)
        self._conversations = Buckets(CONVERSATION_MESSAGES, CONVERSATION_PER_MINUTE, clock)

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> RateLimiter:
        from bot.config import Settings

        return cls(enabled=Settings.from_env(env).rate_limits)

    def admit(self, client: str, conversation_id: str) -> Optional[int]:
        """None when the message may go on (and it is counted); else the seconds to wait before trying again."""
        if not self.enabled:
            return None
        new = not self._conversations.knows(conversation_id)
        checks = [(self._messages, client), (self._conversations, conversation_id)]
        if new:
            checks.append((self._new, client))
        wait = max(buckets.wait(key) for buckets, key in checks)
        if wait > 0:
            return max(1, math.ceil(wait))
        for buckets, key in checks:
            buckets.take(key)
        return None
