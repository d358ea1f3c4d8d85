"""Messages left for the nurses out of hours: everything the person wrote, with the conversation before it.

A left message is a handoff of kind "message". Its transcript holds the conversation leading up to it
(`context` lines) and then what the person wrote while leaving it, including anything a safety reply
interrupted. The console shows the message (the person's non-context lines) and the whole transcript.
A nurse replies through the person's own channel; the outbox delivers it (bot/outbox/pusher.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from sqlalchemy.exc import IntegrityError

from bot.handoff.models import LEFT_MESSAGE_REASON, Handoff, HandoffMessage, Kind, Priority, State
from bot.handoff.service import HandoffService, HandoffView, MessageView
from bot.models import Author

Turn = tuple[str, str]  # (person | bot, text)
ATTEMPTS = 3  # two people cannot leave a message in one conversation at once, but a retry costs nothing


@dataclass(frozen=True)
class LeftMessage:
    handoff: HandoffView
    text: str  # what was saved, as stored (personal details replaced by placeholders)


def message_text(messages: Iterable[MessageView]) -> str:
    """The message itself: what the person wrote for the nurses, not the conversation before it.

    A chat that became a message at closing time may have nothing written for the nurse: then the
    last thing the person said before it.
    """
    said = [m for m in messages if m.author == Author.PERSON]
    written = [m.text for m in said if not m.context]
    if written:
        return "\n".join(written)
    return said[-1].text if said else ""


class LeftMessages:
    def __init__(self, service: HandoffService):
        self._service = service

    def leave(
        self,
        conversation_id: str,
        channel: str,
        context: Sequence[Turn],
        written: Sequence[Turn],
        priority: str = Priority.NORMAL,
    ) -> LeftMessage:
        """Saves what was written (person lines and any reply the bot gave meanwhile) after the context.

        If the conversation already has an open handoff (a red flag in opening hours opened an urgent
        one), the lines are added to it rather than lost. An urgent message (safety advice was given while
        it was written) makes that handoff urgent too; a normal one never lowers it.
        """
        for attempt in range(ATTEMPTS):
            try:
                return self._leave(conversation_id, channel, context, written, priority)
            except IntegrityError:
                if attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _leave(
        self, conversation_id: str, channel: str, context: Sequence[Turn], written: Sequence[Turn], priority: str
    ) -> LeftMessage:
        service = self._service
        now = service._now()
        with service._sessions() as session, session.begin():
            handoff = service._open_for(session, conversation_id)
            created = handoff is None
            if handoff is None:
                handoff = Handoff(
                    conversation_id=conversation_id,
                    channel=channel,
                    kind=Kind.MESSAGE,
                    state=State.WAITING,
                    priority=priority,
                    reason=LEFT_MESSAGE_REASON,
                    created_at=now,
                    last_seen_at=now,
                )
                session.add(handoff)
                session.flush()
                for author, text in context:
                    session.add(self._line(handoff.id, author, text, context=True))
            elif priority == Priority.URGENT and handoff.priority != Priority.URGENT:
                handoff.priority = Priority.URGENT
                service._event(session, "escalated", Author.PERSON, handoff.id)
            saved = []
            for author, text in written:
                line = self._line(handoff.id, author, text, context=False)
                session.add(line)
                if author == Author.PERSON:
                    saved.append(line.text)
            handoff.last_seen_at = now
            kind = "message_left" if created else "person_message"
            service._event(session, kind, Author.PERSON, handoff.id, channel=channel, priority=handoff.priority)
            session.flush()
            return LeftMessage(service._load_view(session, handoff.id), "\n".join(saved))

    def _line(self, handoff_id: int, author: str, text: str, *, context: bool) -> HandoffMessage:
        stored = self._service._private(text) if author == Author.PERSON else text
        return HandoffMessage(
            handoff_id=handoff_id, author=author, text=stored, created_at=self._service._now(), context=context
        )

    def open_for(self, conversation_id: str) -> Optional[HandoffView]:
        """The conversation's open handoff of either kind (a live chat, or a message left)."""
        service = self._service
        with service._sessions() as session:
            handoff = service._open_for(session, conversation_id)
            return service._load_view(session, handoff.id) if handoff is not None else None
