"""Claims changing hands: back to the queue when their nurse has gone, passed on by an admin, or transferred.

The console records when each nurse's session ends and when they sign out. A chat (or left message)
claimed by a nurse who has been gone for `HELPLINE_CLAIM_RELEASE_MINUTES` goes back to the queue: the
nurses see a note saying why, and a person in a live chat is told and given their place. An admin can
release any claim at once, or pass it to another active nurse. The nurse looking after a chat can
transfer it to a signed-in colleague, or back to the queue, with a note for whoever takes it next.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import or_, select, update

from bot.handoff.errors import Conflict, HandoffError, NotFound
from bot.handoff.models import Handoff, HandoffMessage, Kind, Nurse, State
from bot.handoff.notes import HandoffNotes, checked_note
from bot.handoff.nurses import signed_in_now
from bot.handoff.queue_notices import tell_place
from bot.handoff.service import HandoffService
from bot.handoff.timing import JourneyTimes
from bot.handoff.views import HandoffView, view
from bot.models import Author
from bot.wording import Wording

NURSE_LEFT = "utter_handoff_nurse_left"
NURSE_JOINED = "utter_handoff_nurse_joined"
NOTE_SIGNED_OUT = "utter_note_released_signed_out"
NOTE_SESSION_ENDED = "utter_note_released_session_ended"
NOTE_INACTIVE = "utter_note_released_inactive"
NOTE_RELEASED_BY = "utter_note_released_by"
NOTE_REASSIGNED = "utter_note_reassigned"


class Forbidden(HandoffError):
    status = 403


class NotSignedIn(Conflict):
    """The colleague named is not signed in to the console now, so cannot take the conversation."""

    def __init__(self, name: str):
        super().__init__(f"{name} is not signed in")
        self.name = name


class Claims:
    def __init__(self, service: HandoffService, wording: Wording, times: JourneyTimes):
        self._service = service
        self._wording = wording
        self._times = times

    # ----- the nurse's sessions -----

    def signed_in(self, nurse_id: int, expires_at: dt.datetime) -> None:
        with self._service._sessions() as session, session.begin():
            session.execute(
                update(Nurse).where(Nurse.id == nurse_id).values(session_expires_at=expires_at, signed_out_at=None)
            )

    def signed_out(self, nurse_id: int) -> None:
        with self._service._sessions() as session, session.begin():
            session.execute(update(Nurse).where(Nurse.id == nurse_id).values(signed_out_at=self._service._now()))

    # ----- back to the queue -----

    def _back_to_queue(
        self, session, handoff: Handoff, line: str, event: str, nurse_id: Optional[int], unit: dt.timedelta, **detail
    ) -> bool:
        """One guarded transition claimed -> waiting; the nurses see `line`, a person in a live chat is told."""
        service = self._service
        moved = service._transition(
            session,
            handoff.id,
            (State.CLAIMED,),
            [Handoff.claimed_by == handoff.claimed_by],
            state=State.WAITING,
            claimed_by=None,
            claimed_at=None,
            read_up_to=None,  # whoever takes it next has read none of it
        )
        if not moved:
            return False
        session.refresh(handoff)
        session.add(HandoffMessage(handoff_id=handoff.id, author=Author.SYSTEM, text=line, created_at=service._now()))
        service._event(session, event, Author.NURSE if nurse_id else Author.SYSTEM, handoff.id, nurse_id, **detail)
        if handoff.kind == Kind.LIVE:
            tell_place(service, self._wording, session, handoff, NURSE_LEFT, unit)
        return True

    def release_stuck(self) -> int:
        """Sweeps claims whose nurse signed out, whose session ended, or whose account was deactivated."""
        service = self._service
        now = service._now()
        cutoff = now - self._times.claim_release
        with service._sessions() as session:
            rows = session.execute(
                select(Handoff.id, Nurse)
                .join(Nurse, Nurse.id == Handoff.claimed_by)
                .where(
                    Handoff.state == State.CLAIMED,
                    or_(
                        Nurse.active.is_(False),
                        Nurse.signed_out_at <= cutoff,
                        Nurse.session_expires_at <= cutoff,
                    ),
                )
            ).all()
        if not rows:
            return 0
        unit = service.estimated_wait(1)
        released = 0
        for handoff_id, nurse in rows:
            if not nurse.active:
                note, why = NOTE_INACTIVE, "deactivated"
            elif nurse.signed_out_at is not None and nurse.signed_out_at <= cutoff:
                note, why = NOTE_SIGNED_OUT, "signed_out"
            else:
                note, why = NOTE_SESSION_ENDED, "session_ended"
            text = self._wording.text(note, nurse=nurse.display_name)
            with service._sessions() as session, session.begin():
                handoff = session.get(Handoff, handoff_id)
                if handoff is not None and handoff.claimed_by == nurse.id:
                    released += self._back_to_queue(session, handoff, text, "released", None, unit, reason=why)
        return released

    def held(self) -> list[tuple[HandoffView, bool]]:
        """Every claimed conversation, the longest held first, and whether its nurse is signed in now (for admins)."""
        service = self._service
        now = service._now()
        with service._sessions() as session:
            rows = session.execute(
                select(Handoff, Nurse)
                .join(Nurse, Nurse.id == Handoff.claimed_by)
                .where(Handoff.state == State.CLAIMED)
                .order_by(Handoff.claimed_at, Handoff.id)
            ).all()
            return [(view(handoff, nurse.display_name), signed_in_now(nurse, now)) for handoff, nurse in rows]

    def _claimed(self, session, handoff_id: int) -> Handoff:
        handoff = session.get(Handoff, handoff_id)
        if handoff is None:
            raise NotFound(f"no handoff with id {handoff_id}")
        if handoff.state != State.CLAIMED:
            raise Conflict(f"handoff {handoff_id} is {handoff.state}, not claimed")
        return handoff

    def release(self, handoff_id: int, by_nurse_id: int, by_admin: bool) -> HandoffView:
        """Back to the queue now: by an admin, or by the nurse who has it."""
        service = self._service
        unit = service.estimated_wait(1)
        with service._sessions() as session, session.begin():
            handoff = self._claimed(session, handoff_id)
            if not by_admin and handoff.claimed_by != by_nurse_id:
                raise Forbidden("only an administrator or the nurse looking after it can release it")
            name = session.get(Nurse, by_nurse_id).display_name
            text = self._wording.text(NOTE_RELEASED_BY, admin=name)
            if not self._back_to_queue(session, handoff, text, "released", by_nurse_id, unit, reason="released"):
                raise Conflict(f"handoff {handoff_id} changed while it was being released")
            return service._load_view(session, handoff_id)

    def reassign(self, handoff_id: int, admin_id: int, to_nurse_id: int) -> HandoffView:
        """An admin passes a claimed or waiting chat to another active nurse; a person in a live chat is told."""
        service = self._service
        with service._sessions() as session, session.begin():
            handoff = session.get(Handoff, handoff_id)
            if handoff is None:
                raise NotFound(f"no handoff with id {handoff_id}")
            target = session.get(Nurse, to_nurse_id)
            if target is None or not target.active:
                raise HandoffError(f"no active nurse with id {to_nurse_id}")
            if handoff.state == State.CLAIMED and handoff.claimed_by == to_nurse_id:
                return service._load_view(session, handoff_id)
            self._pass_to(session, handoff, admin_id, target, (State.WAITING, State.CLAIMED), "reassigned")
            return service._load_view(session, handoff_id)

    def transfer(self, handoff_id: int, nurse_id: int, to_nurse_id: Optional[int], note: Optional[str]) -> HandoffView:
        """The nurse looking after a chat passes it to a signed-in colleague, or back to the queue (`to_nurse_id` None).

        The note, if any, becomes an internal note (never for the person). The audit trail's `transferred`
        event names who passed it (its nurse), to whom (`to_nurse`, null for the queue) and the note.
        """
        note = checked_note(note, required=False)
        service = self._service
        unit = service.estimated_wait(1)
        with service._sessions() as session, session.begin():
            handoff = self._claimed(session, handoff_id)
            if handoff.claimed_by != nurse_id:
                raise Conflict(f"handoff {handoff_id} is not claimed by you")
            if to_nurse_id is None:
                line = self._wording.text(NOTE_RELEASED_BY, admin=session.get(Nurse, nurse_id).display_name)
                if not self._back_to_queue(
                    session, handoff, line, "transferred", nurse_id, unit, to_nurse=None, note=note
                ):
                    raise Conflict(f"handoff {handoff_id} changed while it was being transferred")
            else:
                if to_nurse_id == nurse_id:
                    raise Conflict(f"handoff {handoff_id} is already yours")
                target = session.get(Nurse, to_nurse_id)
                if target is None or not target.active:
                    raise HandoffError(f"no active nurse with id {to_nurse_id}")
                if not signed_in_now(target, service._now()):
                    raise NotSignedIn(target.display_name)
                self._pass_to(session, handoff, nurse_id, target, (State.CLAIMED,), "transferred", note=note)
            if note is not None:
                HandoffNotes(service).write(session, handoff_id, nurse_id, note)
            return service._load_view(session, handoff_id)

    def _pass_to(
        self, session, handoff: Handoff, by_nurse_id: int, target: Nurse, allowed: tuple, event: str, **detail
    ) -> None:
        """One guarded transition to `target`'s claim; the nurses see who passed it, a person in a live chat is told."""
        service = self._service
        moved = service._transition(
            session,
            handoff.id,
            allowed,
            [Handoff.claimed_by.is_(None) if handoff.claimed_by is None else Handoff.claimed_by == handoff.claimed_by],
            state=State.CLAIMED,
            claimed_by=target.id,
            claimed_at=handoff.claimed_at or service._now(),  # the wait the person had stays what it was
            read_up_to=None,  # the new nurse has read none of it
        )
        if not moved:
            raise Conflict(f"handoff {handoff.id} is {handoff.state}: it cannot be passed on")
        by = session.get(Nurse, by_nurse_id).display_name
        line = self._wording.text(NOTE_REASSIGNED, nurse=target.display_name, admin=by)
        session.add(HandoffMessage(handoff_id=handoff.id, author=Author.SYSTEM, text=line, created_at=service._now()))
        service._event(session, event, Author.NURSE, handoff.id, by_nurse_id, to_nurse=target.id, **detail)
        if handoff.kind == Kind.LIVE:
            joined = self._wording.text(NURSE_JOINED, channel=handoff.channel, nurse=target.display_name)
            service._enqueue(session, handoff, Author.SYSTEM, joined)
            session.add(
                HandoffMessage(handoff_id=handoff.id, author=Author.SYSTEM, text=joined, created_at=service._now())
            )
