"""Whether the person is still there: away when the widget's tab closes, abandoned after a while, back on return.

- The web channel says when a conversation's last socket goes (`away`) and when one comes back (`back`).
- A REST chat has only its silence; an SMS chat is never abandoned (a text always reaches the phone).
- A waiting chat left away or silent too long leaves the live queue as "abandoned": counted apart from
  claims in the figures, with a note in the transcript for the nurses.
- Someone who comes back within `HELPLINE_ABANDON_RETURN_HOURS`, while new chats are accepted, gets
  their place back (the handoff keeps its original time) and is told where they are.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.handoff.models import OPEN_STATES, Handoff, HandoffMessage, Kind, State
from bot.handoff.queue_notices import tell_place
from bot.handoff.service import HandoffService
from bot.handoff.timing import AWAY_CHANNELS, SILENT_CHANNELS, JourneyTimes
from bot.hours import OpeningHours
from bot.models import Author
from bot.wording import Wording

WELCOME_BACK = "utter_handoff_welcome_back"
NOTE_ABANDONED = "utter_note_abandoned"
NOTE_BACK = "utter_note_person_back"


class Presence:
    def __init__(self, service: HandoffService, wording: Wording, hours: OpeningHours, times: JourneyTimes):
        self._service = service
        self._wording = wording
        self._hours = hours
        self._times = times

    def away(self, conversation_id: str) -> None:
        """The person's last connection went (the web chat's tab closed)."""
        service = self._service
        with service._sessions() as session, session.begin():
            handoff = service._open_for(session, conversation_id)
            if handoff is None or handoff.away_since is not None:
                return
            gone = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff.id, Handoff.state.in_(OPEN_STATES), Handoff.away_since.is_(None))
                .values(away_since=service._now())
                .execution_options(synchronize_session=False)
            ).rowcount
            if gone == 1:
                service._event(session, "person_away", Author.PERSON, handoff.id)  # the console shows them as away

    def back(self, conversation_id: str) -> bool:
        """The person is here again; if their chat had been abandoned, it rejoins the queue and they are told.

        Returns whether it rejoined. The "welcome back" notice waits in the outbox: deliver it after this.
        One indexed read for everyone else (this runs on every message).
        """
        service = self._service
        now = service._now()
        try:
            with service._sessions() as session, session.begin():
                latest = session.execute(
                    select(Handoff)
                    .where(Handoff.conversation_id == conversation_id)
                    .order_by(Handoff.id.desc())
                    .limit(1)
                ).scalar()
                if latest is None:
                    return False
                if latest.state in OPEN_STATES:
                    if latest.away_since is not None:
                        latest.last_seen_at, latest.away_since = now, None
                        service._event(session, "person_here", Author.PERSON, latest.id)
                    return False
                if latest.state != State.ABANDONED or latest.ended_at is None:
                    return False
                if now - latest.ended_at > self._times.return_window:
                    return False
                if not self._hours.accepts_handoffs(now):
                    return False
                reopened = session.execute(
                    update(Handoff)
                    .where(Handoff.id == latest.id, Handoff.state == State.ABANDONED)
                    .values(state=State.WAITING, ended_at=None, last_seen_at=now, away_since=None)
                    .execution_options(synchronize_session=False)
                ).rowcount
                if reopened != 1:
                    return False
                session.refresh(latest)
                session.add(self._note(latest.id, NOTE_BACK))
                service._event(session, "person_back", Author.PERSON, latest.id)
                tell_place(service, self._wording, session, latest, WELCOME_BACK, self._unit_wait())
                return True
        except IntegrityError:  # another chat of theirs opened meanwhile
            return False

    def _unit_wait(self):
        """The estimated wait for place 1 (read in its own unit of work)."""
        return self._service.estimated_wait(1)

    def _note(self, handoff_id: int, name: str) -> HandoffMessage:
        text = self._wording.text(name)
        return HandoffMessage(handoff_id=handoff_id, author=Author.SYSTEM, text=text, created_at=self._service._now())

    def abandon_idle(self) -> int:
        """Takes waiting chats whose person is gone out of the live queue; returns how many."""
        service = self._service
        now = service._now()
        with service._sessions() as session:
            waiting = (
                session.execute(select(Handoff).where(Handoff.state == State.WAITING, Handoff.kind == Kind.LIVE))
                .scalars()
                .all()
            )
        gone = []
        for handoff in waiting:
            if handoff.channel in AWAY_CHANNELS and handoff.away_since is not None:
                gone_for = now - handoff.away_since
                if gone_for >= self._times.away_abandon:
                    gone.append(handoff.id)
            elif handoff.channel in SILENT_CHANNELS:
                seen = handoff.last_seen_at or handoff.created_at
                if now - seen >= self._times.silent_abandon:
                    gone.append(handoff.id)
        abandoned = 0
        for handoff_id in gone:
            with service._sessions() as session, session.begin():
                if service._transition(session, handoff_id, (State.WAITING,), state=State.ABANDONED, ended_at=now):
                    session.add(self._note(handoff_id, NOTE_ABANDONED))
                    service._event(session, "abandoned", Author.SYSTEM, handoff_id)
                    abandoned += 1
        return abandoned
