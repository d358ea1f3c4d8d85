"""Pausing new handoffs now (sickness, a storm): an admin's decision, with a message, in the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.clock import Clock
from bot.handoff.errors import Conflict
from bot.handoff.models import HandoffEvent, HelplinePause, Nurse
from bot.models import Author

PAUSED_EVENT = "handoffs_paused"
RESUMED_EVENT = "handoffs_resumed"
ALREADY_PAUSED = "New chats are already paused."
NOT_PAUSED = "New chats are not paused."


@dataclass(frozen=True)
class PauseView:
    id: int
    paused_at: dt.datetime
    paused_by: int
    paused_by_name: str
    message: str


class HandoffPause:
    """While a pause is open, no new live handoff starts; people are told the admin's message instead."""

    def __init__(self, sessions: sessionmaker, clock: Clock):
        self._sessions = sessions
        self._clock = clock

    def current(self) -> Optional[PauseView]:
        with self._sessions() as session:
            row = session.execute(
                select(HelplinePause, Nurse.display_name)
                .join(Nurse, Nurse.id == HelplinePause.paused_by)
                .where(HelplinePause.is_open.is_(True))
            ).first()
        if row is None:
            return None
        pause, name = row
        return PauseView(pause.id, pause.paused_at, pause.paused_by, name, pause.message)

    def pause(self, nurse_id: int, message: str) -> PauseView:
        """Conflict if new chats are already paused (one open pause at a time, by a unique constraint)."""
        now = self._clock()
        try:
            with self._sessions() as session, session.begin():
                session.add(HelplinePause(paused_at=now, paused_by=nurse_id, message=message, is_open=True))
                session.add(self._event(now, PAUSED_EVENT, nurse_id, message=message))
        except IntegrityError as error:
            raise Conflict(ALREADY_PAUSED) from error
        view = self.current()
        assert view is not None
        return view

    def resume(self, nurse_id: int) -> None:
        now = self._clock()
        with self._sessions() as session, session.begin():
            ended = session.execute(
                update(HelplinePause)
                .where(HelplinePause.is_open.is_(True))
                .values(is_open=None, resumed_at=now, resumed_by=nurse_id)
            ).rowcount
            if not ended:
                raise Conflict(NOT_PAUSED)
            session.add(self._event(now, RESUMED_EVENT, nurse_id))

    @staticmethod
    def _event(at: dt.datetime, kind: str, nurse_id: int, **detail: str) -> HandoffEvent:
        return HandoffEvent(
            at=at,
            handoff_id=None,
            nurse_id=nurse_id,
            actor=Author.NURSE,
            kind=kind,
            detail=json.dumps(detail) if detail else None,
        )
