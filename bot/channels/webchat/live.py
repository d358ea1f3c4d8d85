"""The widget around the conversation: a way to a nurse and to urgent help, the nurse's name, typing both ways.

The server sends the widget its words (domain.yml responses); the script (static/accessible/) has none of them:
- `helpline_state`, on (re)connecting and whenever the person's chat changes: the help bar's name and buttons
  (only urgent help while a chat with a nurse is open), the nurse in the chat and the header and typing lines
  naming them, and how often to say the person is typing and how long to show the nurse typing;
- `helpline_typing`, while the nurse types (bot/handoff/typing.py's events on the handoffs' feed, watched here
  for the conversations connected to this process).
From the widget, `helpline_typing` while the person types in a chat with a nurse: passed on to the feed (the
console shows it) at most every TYPING_EVERY_SECONDS per conversation, whatever the widget sends.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional

from bot.background import BackgroundLoop
from bot.handoff.service import HandoffService
from bot.handoff.typing import NURSE_TYPING, PERSON_TYPING, Chat, Typing
from bot.limits import TYPING_EVERY_SECONDS, TYPING_SHOWN_SECONDS
from bot.safety.disposition import URGENT_HELP_PAYLOAD
from bot.wording import Wording

logger = logging.getLogger(__name__)

STATE_EVENT = "helpline_state"
TYPING_EVENT = "helpline_typing"
HELP_BAR = "utter_widget_help_bar"
NURSE_HEADER = "utter_widget_nurse_header"
NURSE_IS_TYPING = "utter_widget_nurse_typing"
WATCH_SECONDS = 0.5
REMEMBERED = 10_000  # conversations whose last typing time is kept; older ones are forgotten first

Emit = Callable[[str, str, Dict[str, Any]], Awaitable[None]]  # (event, room, data)


def widget_state(chat: Chat, wording: Wording) -> Dict[str, Any]:
    """What the widget shows around the conversation for this chat (see the module docstring)."""
    buttons = wording.buttons(HELP_BAR)
    if chat.open:
        buttons = [b for b in buttons if b["payload"] == URGENT_HELP_PAYLOAD]
    state: Dict[str, Any] = {
        "bar": {"label": wording.text(HELP_BAR), "buttons": buttons},
        "nurse": chat.nurse,
        "typing_every_ms": int(TYPING_EVERY_SECONDS * 1000),
        "typing_shown_ms": int(TYPING_SHOWN_SECONDS * 1000),
    }
    if chat.nurse is not None:
        state["header"] = wording.text(NURSE_HEADER, nurse=chat.nurse)
        state["typing"] = wording.text(NURSE_IS_TYPING, nurse=chat.nurse)
    return state


class LiveState(BackgroundLoop):
    """Keeps each connected widget's state current, from the handoffs' feed; passes the person's typing on."""

    def __init__(
        self,
        service_provider: Callable[[], HandoffService],
        wording: Callable[[], Wording],
        emit: Emit,
        connected: Callable[[str], List[str]],
        *,
        interval: float = WATCH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._service_provider = service_provider
        self._wording = wording
        self._emit = emit
        self._connected = connected
        self._interval = interval
        self._clock = clock
        self._last_event: Optional[int] = None
        self._shown: Dict[str, Chat] = {}  # what each connected conversation's widget was last sent
        self._typed: Dict[str, float] = {}  # when each conversation's typing was last passed on

    def _typing(self) -> Typing:
        return Typing(self._service_provider())

    async def send_state(self, conversation_id: str) -> None:
        chat = await asyncio.to_thread(self._typing().chat, conversation_id)
        self._shown[conversation_id] = chat
        await self._emit(STATE_EVENT, conversation_id, widget_state(chat, self._wording()))

    def forget(self, conversation_id: str) -> None:
        """Nobody is connected to the conversation here any more."""
        self._shown.pop(conversation_id, None)

    async def person_typing(self, conversation_id: str) -> None:
        now = self._clock()
        if now - self._typed.get(conversation_id, float("-inf")) < TYPING_EVERY_SECONDS:
            return
        self._typed.pop(conversation_id, None)
        self._typed[conversation_id] = now
        while len(self._typed) > REMEMBERED:
            del self._typed[next(iter(self._typed))]
        await asyncio.to_thread(self._typing().person_typing, conversation_id)

    async def watch_once(self) -> None:
        """Reads the feed since last time: a changed chat sends the widget its state, a nurse typing says so."""
        service = self._service_provider()
        if self._last_event is None:
            self._last_event = await asyncio.to_thread(service.latest_event_id)
            return
        events = await asyncio.to_thread(service.events_since, self._last_event)
        if not events:
            return
        self._last_event = events[-1].id
        ids = [e.handoff_id for e in events if e.handoff_id is not None and e.kind != PERSON_TYPING]
        conversations = await asyncio.to_thread(self._typing().conversations_of, ids)
        changed: list[str] = []
        typing: list[str] = []
        for event in events:
            conversation = conversations.get(event.handoff_id) if event.handoff_id is not None else None
            if conversation is None or not self._connected(conversation):
                continue
            target = typing if event.kind == NURSE_TYPING else changed
            if conversation not in target:
                target.append(conversation)
        for conversation in changed:
            chat = await asyncio.to_thread(self._typing().chat, conversation)
            if self._shown.get(conversation) != chat:
                self._shown[conversation] = chat
                await self._emit(STATE_EVENT, conversation, widget_state(chat, self._wording()))
        for conversation in typing:
            await self._emit(TYPING_EVENT, conversation, {})

    async def run(self) -> None:
        while True:
            try:
                await self.watch_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be briefly unavailable; keep going
                logger.exception("web chat: watching the handoffs' feed failed")
            await asyncio.sleep(self._interval)
