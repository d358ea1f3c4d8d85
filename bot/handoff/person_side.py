"""The person's side of a handoff: asking for a nurse, leaving a message, writing during a chat, leaving."""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable, Optional

from sqlalchemy.exc import IntegrityError

from bot.handoff.errors import Conflict
from bot.handoff.models import LEFT_MESSAGE_REASON, OPEN_STATES, Handoff, HandoffMessage, Kind, Priority, State
from bot.handoff.unit import HandoffUnit
from bot.handoff.views import HandoffView, Placed, view
from bot.models import Author


class PersonSide:
    """Told their place on asking: `position` (from the nurses' queue) and `estimated_wait` (from the figures)."""

    def __init__(
        self, unit: HandoffUnit, position: Callable[[int], int], estimated_wait: Callable[[int], dt.timedelta]
    ):
        self._unit = unit
        self._position = position
        self._estimated_wait = estimated_wait

    def request(
        self,
        conversation_id: str,
        channel: str,
        reason: str,
        *,
        priority: str = Priority.NORMAL,
        transcript: Iterable[tuple[str, str]] = (),
    ) -> Placed:
        """Puts the conversation in the queue, or returns the handoff it already has open."""
        unit = self._unit
        with unit._sessions() as session:
            try:
                with session.begin():
                    handoff = Handoff(
                        conversation_id=conversation_id,
                        channel=channel,
                        kind=Kind.LIVE,
                        state=State.WAITING,
                        priority=priority,
                        reason=reason,
                        created_at=unit._now(),
                    )
                    session.add(handoff)
                    session.flush()
                    for author, text in transcript:
                        stored = unit._private(text) if author == Author.PERSON else text
                        session.add(
                            HandoffMessage(
                                handoff_id=handoff.id, author=author, text=stored, created_at=unit._now(), context=True
                            )
                        )
                    unit._event(session, "created", Author.PERSON, handoff.id, priority=priority, channel=channel)
                created = True
            except IntegrityError:
                created = False
            with session.begin():
                existing = unit._open_for(session, conversation_id)
                if existing is None:
                    raise Conflict(f"conversation {conversation_id} could not be queued")
                if priority == Priority.URGENT and existing.priority != Priority.URGENT and not created:
                    existing.priority = Priority.URGENT
                    unit._event(session, "escalated", Author.PERSON, existing.id)
                if existing.kind == Kind.MESSAGE and existing.state == State.WAITING:  # they are here now: chat live
                    existing.kind = Kind.LIVE
                    existing.last_seen_at = unit._now()
                    unit._event(session, "message_to_live", Author.PERSON, existing.id)
                session.flush()  # before _load_view refreshes the row
                placed = unit._load_view(session, existing.id)
        position = self._position(placed.id) if placed.state == State.WAITING else 0
        return Placed(placed, created, position, self._estimated_wait(position))

    def leave_message(self, conversation_id: str, channel: str, text: str) -> HandoffView:
        """An out-of-hours message; nurses see these first when the helpline opens."""
        unit = self._unit
        with unit._sessions() as session, session.begin():
            handoff = Handoff(
                conversation_id=conversation_id,
                channel=channel,
                kind=Kind.MESSAGE,
                state=State.WAITING,
                priority=Priority.NORMAL,
                reason=LEFT_MESSAGE_REASON,
                created_at=unit._now(),
            )
            session.add(handoff)
            session.flush()
            session.add(
                HandoffMessage(
                    handoff_id=handoff.id, author=Author.PERSON, text=unit._private(text), created_at=unit._now()
                )
            )
            unit._event(session, "message_left", Author.PERSON, handoff.id, channel=channel)
            session.flush()
            return view(handoff, None)

    def open_handoff(self, conversation_id: str) -> Optional[HandoffView]:
        unit = self._unit
        with unit._sessions() as session:
            handoff = unit._open_for(session, conversation_id)
            if handoff is None or handoff.kind != Kind.LIVE:
                return None
            return unit._load_view(session, handoff.id)

    def person_says(self, conversation_id: str, text: str) -> Optional[HandoffView]:
        """Stores the person's message for the nurse if a live handoff is open; None means the bot answers."""
        unit = self._unit
        with unit._sessions() as session, session.begin():
            handoff = unit._open_for(session, conversation_id)
            if handoff is None or handoff.kind != Kind.LIVE:
                return None
            session.add(
                HandoffMessage(
                    handoff_id=handoff.id, author=Author.PERSON, text=unit._private(text), created_at=unit._now()
                )
            )
            handoff.last_seen_at, handoff.away_since = unit._now(), None
            unit._event(session, "person_message", Author.PERSON, handoff.id)
            session.flush()  # before _load_view refreshes the row
            return unit._load_view(session, handoff.id)

    def flag_safety(self, handoff_id: int, note: str) -> HandoffView:
        """The rule layer saw a red flag or crisis words mid-chat: tell the nurse and move to the top."""
        unit = self._unit
        with unit._sessions() as session, session.begin():
            handoff = unit._get(session, handoff_id)
            if handoff.priority != Priority.URGENT:
                handoff.priority = Priority.URGENT
            session.add(HandoffMessage(handoff_id=handoff_id, author=Author.SYSTEM, text=note, created_at=unit._now()))
            unit._event(session, "safety_flag", Author.SYSTEM, handoff_id, note=note)
            session.flush()
            return unit._load_view(session, handoff_id)

    def cancel_by_person(self, conversation_id: str) -> Optional[HandoffView]:
        unit = self._unit
        with unit._sessions() as session, session.begin():
            handoff = unit._open_for(session, conversation_id)
            if handoff is None or handoff.kind != Kind.LIVE:
                return None
            if not unit._transition(session, handoff.id, OPEN_STATES, state=State.CANCELLED, ended_at=unit._now()):
                return None
            unit._event(session, "cancelled", Author.PERSON, handoff.id)
            return unit._load_view(session, handoff.id)

    def record_bot_turn(self, handoff_id: int, author: str, text: str) -> None:
        unit = self._unit
        with unit._sessions() as session, session.begin():
            unit._get(session, handoff_id)
            session.add(HandoffMessage(handoff_id=handoff_id, author=author, text=text, created_at=unit._now()))
