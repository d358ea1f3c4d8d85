"""What every channel shares: their names and conversation-id prefixes, the default handoff service, a keyed lock.

Light on purpose (no Rasa, no Sanic): the SMS tables and store import the prefixes too.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, AsyncIterator

from bot.models import StrEnum

if TYPE_CHECKING:
    from bot.handoff.service import HandoffService


class Channel(StrEnum):
    """The names Rasa records as each message's input_channel; `channel: twilio` picks a response's SMS variant."""

    WEBCHAT = "socketio"
    SMS = "twilio"
    REST = "rest"


# Conversation ids the server makes up: "web-" and 32 hex digits (the widget), "sms-" and a keyed hash (a number).
WEB_PREFIX = "web-"
SMS_PREFIX = "sms-"


def default_handoff_service() -> HandoffService:
    """The process's handoff service, built on first use: a channel made from credentials.yml is given none."""
    from bot.bootstrap import root

    return root().handoffs.service


class ConversationLocks:
    """One lock per conversation, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def busy(self, key: str) -> bool:
        """Whether a task holds or waits for this conversation's lock."""
        return key in self._locks

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
