"""What goes out to the widget: Rasa's replies to the conversation's room, and what was sent lately, to re-send."""

from __future__ import annotations

import time
from collections import deque
from typing import Any, Callable, Deque, Dict, List

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.channels.socketio import SocketIOOutput
from socketio import AsyncServer

from bot.channels.common import WEBCHAT_CHANNEL
from bot.channels.webchat.feedback import answer_css


class RecentlySent:
    """What was emitted to each conversation lately: a socket can die silently with messages in flight.

    rasa-webchat does not acknowledge messages, so when a socket goes without a clean close
    (a phone loses signal: the server notices only at the ping timeout), whatever was emitted
    to it in that time is re-sent when the person comes back to this server.
    """

    def __init__(self, keep: float, clock: Callable[[], float] = time.monotonic, lost_for: float = 86400.0):
        self._keep = keep
        self._clock = clock
        self._lost_for = lost_for
        self._sent: Dict[str, Deque[tuple[float, Dict[str, Any]]]] = {}
        self._lost: Dict[str, tuple[float, List[Dict[str, Any]]]] = {}

    def record(self, conversation_id: str, message: Dict[str, Any]) -> None:
        now = self._clock()
        sent = self._sent.setdefault(conversation_id, deque())
        sent.append((now, message))
        while sent and sent[0][0] < now - self._keep:
            sent.popleft()

    def gone(self, conversation_id: str, in_doubt: float) -> None:
        """Nobody is connected any more: what was emitted in the last `in_doubt` seconds may not have arrived."""
        now = self._clock()
        sent = self._sent.pop(conversation_id, deque())
        doubtful = [message for at, message in sent if at >= now - in_doubt]
        if doubtful:
            earlier = self._lost.get(conversation_id, (now, []))[1]
            self._lost[conversation_id] = (now, earlier + doubtful)
        for quiet in [c for c, sent in self._sent.items() if not sent or sent[-1][0] < now - self._keep]:
            del self._sent[quiet]  # e.g. sent to nobody through Rasa's HTTP API
        for stale in [c for c, (at, _) in self._lost.items() if at < now - self._lost_for]:
            del self._lost[stale]

    def take_lost(self, conversation_id: str) -> List[Dict[str, Any]]:
        return self._lost.pop(conversation_id, (0.0, []))[1]


class WebchatOutput(SocketIOOutput):
    """Rasa's socket.io output (buttons become the widget's quick replies), sent to the conversation's room."""

    @classmethod
    def name(cls) -> str:
        return WEBCHAT_CHANNEL

    def __init__(self, sio: AsyncServer, bot_message_evt: str, namespace: str, sent: RecentlySent):
        super().__init__(sio, bot_message_evt)
        self._namespace = namespace
        self._recently = sent

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """One bubble per response: an answer's caption stays inside it (Rasa's own output splits at blank lines).

        A content answer's bubble is marked with its entry, for "Was this helpful?" (feedback.py).
        """
        message: Dict[str, Any] = {"text": text.strip()}
        css = answer_css(kwargs)
        if css is not None:
            message["metadata"] = {"customCss": css}
        await self._send_message(recipient_id, message)

    async def _send_message(self, socket_id: str, response: Any) -> None:
        await self.sio.emit(self.bot_message_evt, response, room=socket_id, namespace=self._namespace)
        self._recently.record(socket_id, response)


class Notices(CollectingOutputChannel):
    """Catches what the gate sends, with its author, so a nurse's words can be marked before they are emitted."""

    @classmethod
    def name(cls) -> str:
        return WEBCHAT_CHANNEL
