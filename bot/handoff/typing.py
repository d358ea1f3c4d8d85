"""Who is chatting with the person, and typing both ways, as events on the handoffs' feed (as presence.py does).

The console reads the feed already (bot/console/events.py); the web chat channel watches it for its own
conversations (bot/channels/webchat/live.py). Only a live chat that a nurse has claimed has typing: nothing is
written for a person typing to the bot or into a queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from sqlalchemy import select

from bot.handoff.models import Handoff, Kind, Nurse, State
from bot.handoff.service import Conflict, HandoffService
from bot.models import Author

PERSON_TYPING, NURSE_TYPING = "person_typing", "nurse_typing"
TYPING_KINDS = (PERSON_TYPING, NURSE_TYPING)


@dataclass(frozen=True)
class Chat:
    """The person's live chat as the widget shows it: none, waiting in the queue, or with a nurse (named)."""

    open: bool = False
    nurse: Optional[str] = None


class Typing:
    def __init__(self, service: HandoffService):
        self._service = service

    def _chatting(self, session, conversation_id: str) -> Optional[Handoff]:
        handoff = self._service._open_for(session, conversation_id)
        return handoff if handoff is not None and handoff.kind == Kind.LIVE and handoff.state == State.CLAIMED else None

    def chat(self, conversation_id: str) -> Chat:
        """Whether the person has a live chat open, and the display name of the nurse in it, if one has claimed it."""
        with self._service._sessions() as session:
            handoff = self._service._open_for(session, conversation_id)
            if handoff is None or handoff.kind != Kind.LIVE:
                return Chat()
            if handoff.state != State.CLAIMED:
                return Chat(open=True)
            return Chat(open=True, nurse=session.get(Nurse, handoff.claimed_by).display_name)

    def person_typing(self, conversation_id: str) -> bool:
        """The person is typing to their nurse; False (nothing written) when no nurse is chatting with them."""
        service = self._service
        with service._sessions() as session, session.begin():
            handoff = self._chatting(session, conversation_id)
            if handoff is None:
                return False
            service._event(session, PERSON_TYPING, Author.PERSON, handoff.id)
            return True

    def nurse_typing(self, handoff_id: int, nurse_id: int) -> None:
        """The nurse who claimed the live chat is typing; Conflict for anyone else, or once it has ended."""
        service = self._service
        with service._sessions() as session, session.begin():
            handoff = service._get(session, handoff_id)
            if handoff.state != State.CLAIMED or handoff.claimed_by != nurse_id or handoff.kind != Kind.LIVE:
                raise Conflict(f"handoff {handoff_id} is not a live chat of nurse {nurse_id}")
            service._event(session, NURSE_TYPING, Author.NURSE, handoff_id, nurse_id)

    def conversations_of(self, handoff_ids: Iterable[int]) -> dict[int, str]:
        ids = sorted(set(handoff_ids))
        if not ids:
            return {}
        with self._service._sessions() as session:
            rows = session.execute(select(Handoff.id, Handoff.conversation_id).where(Handoff.id.in_(ids)))
            return {handoff_id: conversation for handoff_id, conversation in rows}
