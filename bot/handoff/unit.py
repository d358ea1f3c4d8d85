"""What the parts of the handoff service share: sessions, clock, wording and the helpers of a unit of work."""

from __future__ import annotations

import json
from typing import Callable, Optional, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.handoff.errors import Conflict, NotFound
from bot.handoff.models import OPEN_STATES, Handoff, HandoffEvent, Nurse, State
from bot.handoff.views import HandoffView, view
from bot.outbox.store import Outbox
from bot.wording import Wording


class HandoffUnit:
    """Everything a person wrote is redacted here, before it reaches a table, so no caller can skip it."""

    def __init__(
        self,
        session_factory: sessionmaker,
        clock: Clock,
        wording: Wording,
        redact: Optional[Callable[[str], str]] = None,
        outbox: Optional[Outbox] = None,
    ):
        self._sessions = session_factory
        self._now = clock
        self._wording = wording
        self._redact = redact
        self.outbox = outbox or Outbox(session_factory, clock)

    def _private(self, text: str) -> str:
        if self._redact is None:
            from bot.safety.redaction import shared_redactor

            self._redact = shared_redactor().redact  # type: ignore[assignment]
        return self._redact(text) or ""  # type: ignore[misc]

    def _event(self, session: Session, kind: str, actor: str, handoff_id: Optional[int], nurse_id=None, **detail):
        session.add(
            HandoffEvent(
                at=self._now(),
                handoff_id=handoff_id,
                nurse_id=nurse_id,
                actor=actor,
                kind=kind,
                detail=json.dumps(detail) if detail else None,
            )
        )

    def _get(self, session: Session, handoff_id: int) -> Handoff:
        handoff = session.get(Handoff, handoff_id)
        if handoff is None:
            raise NotFound(f"no handoff with id {handoff_id}")
        return handoff

    def _load_view(self, session: Session, handoff_id: int) -> HandoffView:
        handoff = self._get(session, handoff_id)
        session.refresh(handoff)
        name = session.get(Nurse, handoff.claimed_by).display_name if handoff.claimed_by else None
        return view(handoff, name)

    def _open_for(self, session: Session, conversation_id: str) -> Optional[Handoff]:
        return session.execute(
            select(Handoff).where(Handoff.conversation_id == conversation_id, Handoff.state.in_(OPEN_STATES))
        ).scalar()

    def _enqueue(
        self,
        session: Session,
        handoff: Handoff,
        author: str,
        text: str,
        sender_name: Optional[str] = None,
        buttons: Sequence[dict] = (),
    ) -> None:
        """A notice for the person, in the transition's own unit of work: both are stored, or neither."""
        self.outbox.enqueue(
            session,
            handoff.conversation_id,
            handoff.channel,
            author,
            text,
            handoff_id=handoff.id,
            sender_name=sender_name,
            buttons=buttons,
        )

    def _transition(self, session: Session, handoff_id: int, allowed: Sequence[str], extra=(), **values) -> bool:
        """UPDATE … WHERE state IN allowed: exactly one concurrent caller can succeed."""
        result = session.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id, Handoff.state.in_(allowed), *extra)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    def _claimed_by(self, session: Session, handoff_id: int, nurse_id: int) -> Handoff:
        handoff = self._get(session, handoff_id)
        if handoff.state != State.CLAIMED or handoff.claimed_by != nurse_id:
            raise Conflict(f"handoff {handoff_id} is not claimed by you")
        return handoff
