"""Telling a queued person where they stand, without answering every line.

- The first message typed while queued is acknowledged, and then the first after a pause
  (`HELPLINE_QUEUE_ACK_PAUSE_SECONDS`): "the nurse will see that; you're number 2, about 10 minutes".
- When their place changes (someone ahead is claimed or leaves, or an urgent chat goes ahead), they
  are told the new place and wait, once (`told_position` is a guarded update, so with several Rasa
  processes sweeping, one of them tells).
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from bot.handoff.models import Handoff, HandoffMessage, Kind, Priority, State
from bot.handoff.notices import Notice, notice, wait_minutes
from bot.handoff.service import HandoffService
from bot.handoff.timing import JourneyTimes
from bot.handoff.views import HandoffView
from bot.models import Author
from bot.wording import Wording

STILL_WAITING = "utter_handoff_still_waiting"
MOVED = "utter_handoff_queue_moved"


def position_in(session: Session, handoff: Handoff) -> int:
    """The waiting handoff's place in the queue (urgent first, then oldest), inside a unit of work."""
    earlier = or_(
        Handoff.created_at < handoff.created_at,
        and_(Handoff.created_at == handoff.created_at, Handoff.id < handoff.id),
    )
    if handoff.priority == Priority.URGENT:
        ahead = and_(Handoff.priority == Priority.URGENT, earlier)
    else:
        ahead = or_(Handoff.priority == Priority.URGENT, earlier)
    count = session.execute(
        select(func.count(Handoff.id)).where(
            Handoff.state == State.WAITING, Handoff.kind == Kind.LIVE, Handoff.id != handoff.id, ahead
        )
    ).scalar()
    return int(count or 0) + 1


def tell_place(
    service: HandoffService, wording: Wording, session: Session, handoff: Handoff, name: str, unit_wait
) -> None:
    """Queues `name` for the person, with their place now and its wait (`unit_wait`: the wait for place 1)."""
    position = position_in(session, handoff)
    said = notice(wording, name, handoff.channel, position=position, minutes=wait_minutes(unit_wait * position))
    service._enqueue(session, handoff, Author.SYSTEM, said.text, buttons=said.buttons)
    handoff.told_position = position


class QueueNotices:
    def __init__(self, service: HandoffService, wording: Wording, times: JourneyTimes):
        self._service = service
        self._wording = wording
        self._times = times

    def place(self, handoff: HandoffView, name: str) -> Notice:
        """The response `name` with the handoff's place and wait, in its channel's wording."""
        position = self._service.position(handoff.id)
        wait = self._service.estimated_wait(position)
        self.remember(handoff.id, position)
        return notice(self._wording, name, handoff.channel, position=position, minutes=wait_minutes(wait))

    def acknowledge(self, handoff: HandoffView) -> Optional[Notice]:
        """Once the person's message is stored: a notice if it is the first typed while queued, or after a pause."""
        if handoff.state != State.WAITING or handoff.kind != Kind.LIVE:
            return None
        service = self._service
        with service._sessions() as session:
            times = (
                session.execute(
                    select(HandoffMessage.created_at)
                    .where(
                        HandoffMessage.handoff_id == handoff.id,
                        HandoffMessage.author == Author.PERSON,
                        HandoffMessage.context.is_(False),
                    )
                    .order_by(HandoffMessage.id.desc())
                    .limit(2)
                )
                .scalars()
                .all()
            )
        if not times:
            return None
        if len(times) == 2 and times[0] - times[1] < self._times.ack_pause:
            return None
        return self.place(handoff, STILL_WAITING)

    def remember(self, handoff_id: int, position: int) -> None:
        """The place the person has just been told (by the queued message or an acknowledgement)."""
        service = self._service
        with service._sessions() as session, session.begin():
            session.execute(update(Handoff).where(Handoff.id == handoff_id).values(told_position=position))

    def tell_moves(self) -> int:
        """Tells each waiting person whose place changed since they were last told; returns how many were told."""
        service = self._service
        told = 0
        for item in service.queue():
            handoff = item.handoff
            minutes = wait_minutes(service.estimated_wait(item.position))
            with service._sessions() as session, session.begin():
                row = session.get(Handoff, handoff.id)
                if row is None or row.state != State.WAITING or row.told_position == item.position:
                    continue
                previous = row.told_position
                changed = session.execute(
                    update(Handoff)
                    .where(
                        Handoff.id == handoff.id,
                        Handoff.state == State.WAITING,
                        Handoff.told_position.is_(None) if previous is None else Handoff.told_position == previous,
                    )
                    .values(told_position=item.position)
                    .execution_options(synchronize_session=False)
                ).rowcount
                if changed != 1 or previous is None:
                    continue  # another process told them, or they have not been told a place yet
                said = notice(self._wording, MOVED, handoff.channel, position=item.position, minutes=minutes)
                service._enqueue(session, row, Author.SYSTEM, said.text, buttons=said.buttons)
                told += 1
        return told
