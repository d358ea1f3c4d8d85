"""What goes out to the widget: Rasa's replies to the conversation's room, and what was sent lately, to re-send."""

from __future__ import annotations

import itertools
import secrets
import time
from collections import deque
from typing import Any, Callable, Deque, Dict, List, NamedTuple, Optional

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.channels.socketio import SocketIOOutput
from socketio import AsyncServer

from bot.channels.common import Channel
from bot.channels.webchat.feedback import answer_css

MESSAGE_ID = "helpline_id"  # in each bot message's metadata; static/accessible/delivery.js reads it
SEEN = "helpline_seen"  # in session_request: the id of the last message the widget stored


class _Sent(NamedTuple):
    at: float
    number: int
    message: Dict[str, Any]


class _Lost(NamedTuple):
    number: int
    message: Dict[str, Any]
    doubtful: bool  # emitted so shortly before the socket went that it may not have arrived


class RecentlySent:
    """What was emitted to each conversation lately, each message numbered, to send again what did not arrive.

    rasa-webchat does not acknowledge messages, and a socket can close with messages in flight: a tab
    reloaded or closed just after a reply, or a phone that loses signal (the server notices only at the
    ping timeout). Each message carries an id (metadata `helpline_id`); the accessibility layer
    (static/accessible/delivery.js) keeps the last one the widget has stored and sends it back in
    `session_request` (`helpline_seen`), so on return only what came after it is sent again. Without an id
    of this process's (a page without the layer, storage turned off, another replica), what was emitted in
    the last `in_doubt` seconds before the socket went is sent again, as it may not have arrived.
    """

    def __init__(self, keep: float, clock: Callable[[], float] = time.monotonic, lost_for: float = 86400.0):
        self._keep = keep
        self._clock = clock
        self._lost_for = lost_for
        self._epoch = secrets.token_hex(4)  # ids of another process (or an earlier run) are not ours to compare
        self._numbers = itertools.count(1)
        self._sent: Dict[str, Deque[_Sent]] = {}
        self._lost: Dict[str, tuple[float, List[_Lost]]] = {}

    def stamp(self, conversation_id: str, message: Dict[str, Any]) -> Dict[str, Any]:
        """The message with its id, kept as sent to the conversation: emit what this returns."""
        now = self._clock()
        number = next(self._numbers)
        stamped = {**message, "metadata": {**message.get("metadata", {}), MESSAGE_ID: f"{self._epoch}-{number}"}}
        sent = self._sent.setdefault(conversation_id, deque())
        sent.append(_Sent(now, number, message))
        while sent and sent[0].at < now - self._keep:
            sent.popleft()
        return stamped

    def gone(self, conversation_id: str, in_doubt: float) -> None:
        """Nobody is connected any more: keeps what was sent lately; what came in the last `in_doubt` s is doubtful."""
        now = self._clock()
        sent = self._sent.pop(conversation_id, deque())
        kept = [_Lost(s.number, s.message, s.at >= now - in_doubt) for s in sent if s.at >= now - self._keep]
        if kept:
            earlier = self._lost.get(conversation_id, (now, []))[1]
            self._lost[conversation_id] = (now, earlier + kept)
        for quiet in [c for c, sent in self._sent.items() if not sent or sent[-1].at < now - self._keep]:
            del self._sent[quiet]  # e.g. sent to nobody through Rasa's HTTP API
        for stale in [c for c, (at, _) in self._lost.items() if at < now - self._lost_for]:
            del self._lost[stale]

    def take_lost(self, conversation_id: str, seen: Any = None) -> List[Dict[str, Any]]:
        """What to send again on return: after the last message the widget stored (`seen`), or else the doubtful."""
        lost = self._lost.pop(conversation_id, (0.0, []))[1]
        last = self._number(seen)
        if last is None:
            return [each.message for each in lost if each.doubtful]
        return [each.message for each in lost if each.number > last]

    def _number(self, seen: Any) -> Optional[int]:
        """The number in one of this process's ids; None for anything else."""
        if not isinstance(seen, str):
            return None
        epoch, _, number = seen.partition("-")
        if epoch != self._epoch or not number.isdigit() or len(number) > 18:
            return None
        return int(number)


class WebchatOutput(SocketIOOutput):
    """Rasa's socket.io output (buttons become the widget's quick replies), sent to the conversation's room."""

    @classmethod
    def name(cls) -> str:
        return Channel.WEBCHAT.value

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
        stamped = self._recently.stamp(socket_id, response)
        await self.sio.emit(self.bot_message_evt, stamped, room=socket_id, namespace=self._namespace)


class Notices(CollectingOutputChannel):
    """Catches what the gate sends, with its author, so a nurse's words can be marked before they are emitted."""

    @classmethod
    def name(cls) -> str:
        return Channel.WEBCHAT.value
