"""The nurses' side of a handoff: the queue, the transcript, claiming, replying, handing back and closing."""

from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.handoff.bursts import urgent_bursts
from bot.handoff.errors import Conflict, HandoffError
from bot.handoff.models import OPEN_STATES, Handoff, HandoffMessage, Kind, Nurse, Priority, State
from bot.handoff.unit import HandoffUnit
from bot.handoff.views import HandoffView, MessageView, QueueItem, view
from bot.limits import MAX_OUTCOME_CHARS, MAX_OUTCOME_NOTE_CHARS, MAX_REPLY_CHARS
from bot.models import Author


class NurseSide:
    """Each change is one guarded transition; a notice for the person is queued in the same unit of work."""

    def __init__(self, unit: HandoffUnit):
        self._unit = unit

    def queue(self) -> list[QueueItem]:
        """Waiting live handoffs: urgent first, then oldest."""
        unit = self._unit
        now = unit._now()
        with unit._sessions() as session:
            rows = (
                session.execute(
                    select(Handoff)
                    .where(Handoff.state == State.WAITING, Handoff.kind == Kind.LIVE)
                    .order_by((Handoff.priority == Priority.URGENT).desc(), Handoff.created_at, Handoff.id)
                )
                .scalars()
                .all()
            )
            last = self._last_person_messages(session, [h.id for h in rows])
            bursts = urgent_bursts({h.id: h.created_at for h in rows if h.priority == Priority.URGENT})
            return [
                QueueItem(
                    view(h, None),
                    i + 1,
                    (now - h.created_at).total_seconds(),
                    last.get(h.id),
                    bursts.get(h.id, 0),
                )
                for i, h in enumerate(rows)
            ]

    @staticmethod
    def _last_person_messages(session: Session, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        newest = (
            select(HandoffMessage.handoff_id, func.max(HandoffMessage.id).label("id"))
            .where(HandoffMessage.handoff_id.in_(ids), HandoffMessage.author == Author.PERSON)
            .group_by(HandoffMessage.handoff_id)
            .subquery()
        )
        rows = session.execute(select(HandoffMessage).join(newest, HandoffMessage.id == newest.c.id)).scalars()
        return {m.handoff_id: m.text for m in rows}

    def left_messages(self, include_done: bool = False) -> list[HandoffView]:
        """Out-of-hours messages: urgent first (safety advice was given while it was left), then oldest."""
        unit = self._unit
        with unit._sessions() as session:
            query = select(Handoff).where(Handoff.kind == Kind.MESSAGE)
            if not include_done:
                query = query.where(Handoff.state.in_(OPEN_STATES))
            order = ((Handoff.priority == Priority.URGENT).desc(), Handoff.created_at, Handoff.id)
            rows = session.execute(query.order_by(*order)).scalars().all()
            return [unit._load_view(session, h.id) for h in rows]

    def position(self, handoff_id: int) -> int:
        return next((item.position for item in self.queue() if item.handoff.id == handoff_id), 0)

    def detail(self, handoff_id: int) -> tuple[HandoffView, list[MessageView]]:
        unit = self._unit
        with unit._sessions() as session:
            handoff = unit._load_view(session, handoff_id)
            rows = session.execute(
                select(HandoffMessage, Nurse.display_name)
                .outerjoin(Nurse, Nurse.id == HandoffMessage.nurse_id)
                .where(HandoffMessage.handoff_id == handoff_id)
                .order_by(HandoffMessage.id)
            ).all()
            return handoff, [
                MessageView(m.id, m.author, m.text, m.created_at, name, bool(m.context)) for m, name in rows
            ]

    def claim(self, handoff_id: int, nurse_id: int) -> HandoffView:
        """Exactly one of several nurses claiming at once wins; the others get Conflict."""
        unit = self._unit
        with unit._sessions() as session:
            with session.begin():
                handoff = unit._get(session, handoff_id)
                won = unit._transition(
                    session,
                    handoff_id,
                    (State.WAITING,),
                    state=State.CLAIMED,
                    claimed_by=nurse_id,
                    claimed_at=unit._now(),
                )
                if won:
                    return self._after_claim(session, handoff, nurse_id)
            with session.begin():  # the losing attempt is audited too, in its own unit of work
                state = unit._get(session, handoff_id).state
                unit._event(session, "claim_lost", Author.NURSE, handoff_id, nurse_id)
        raise Conflict(f"handoff {handoff_id} is {state}, not waiting")

    def _after_claim(self, session: Session, handoff: Handoff, nurse_id: int) -> HandoffView:
        unit = self._unit
        unit._event(session, "claimed", Author.NURSE, handoff.id, nurse_id)
        claimed = unit._load_view(session, handoff.id)
        if claimed.kind == Kind.LIVE:
            text = unit._wording.text(
                "utter_handoff_nurse_joined", channel=claimed.channel, nurse=claimed.claimed_by_name
            )
            unit._enqueue(session, handoff, Author.SYSTEM, text)
            session.add(HandoffMessage(handoff_id=handoff.id, author=Author.SYSTEM, text=text, created_at=unit._now()))
        return claimed

    def claimed_by_nurse(self, nurse_id: int) -> list[HandoffView]:
        """The conversations a nurse has claimed and not yet handed back or closed, oldest first."""
        unit = self._unit
        with unit._sessions() as session:
            rows = session.execute(
                select(Handoff.id)
                .where(Handoff.state == State.CLAIMED, Handoff.claimed_by == nurse_id)
                .order_by(Handoff.claimed_at, Handoff.id)
            ).scalars()
            return [unit._load_view(session, handoff_id) for handoff_id in rows]

    def reply(self, handoff_id: int, nurse_id: int, text: str) -> MessageView:
        text = text.strip()
        if not text:
            raise HandoffError("a reply needs some text")
        if len(text) > MAX_REPLY_CHARS:
            raise HandoffError(f"a reply can be at most {MAX_REPLY_CHARS} characters")
        unit = self._unit
        with unit._sessions() as session, session.begin():
            handoff = unit._claimed_by(session, handoff_id, nurse_id)
            message = HandoffMessage(
                handoff_id=handoff_id, author=Author.NURSE, nurse_id=nurse_id, text=text, created_at=unit._now()
            )
            session.add(message)
            name = session.get(Nurse, nurse_id).display_name
            unit._enqueue(session, handoff, Author.NURSE, text, sender_name=name)
            unit._event(session, "nurse_reply", Author.NURSE, handoff_id, nurse_id)
            session.flush()
            return MessageView(message.id, Author.NURSE, text, unit._now(), name)

    def _end(
        self,
        handoff_id: int,
        nurse_id: int,
        state: str,
        notice: str,
        *,
        in_transcript: bool,
        **values: Any,
    ) -> HandoffView:
        """Ends a chat the nurse has claimed: one guarded transition, the person told, the change audited."""
        unit = self._unit
        with unit._sessions() as session, session.begin():
            handoff = unit._claimed_by(session, handoff_id, nurse_id)
            if not unit._transition(
                session,
                handoff_id,
                (State.CLAIMED,),
                [Handoff.claimed_by == nurse_id],
                state=state,
                ended_at=unit._now(),
                **values,
            ):
                raise Conflict(f"handoff {handoff_id} changed while it was being ended")
            if handoff.kind == Kind.LIVE:
                text = unit._wording.text(notice, channel=handoff.channel)
                unit._enqueue(session, handoff, Author.SYSTEM, text)
                if in_transcript:
                    session.add(
                        HandoffMessage(handoff_id=handoff_id, author=Author.SYSTEM, text=text, created_at=unit._now())
                    )
            unit._event(session, state, Author.NURSE, handoff_id, nurse_id, **values)
            return unit._load_view(session, handoff_id)

    def hand_back(self, handoff_id: int, nurse_id: int) -> HandoffView:
        return self._end(handoff_id, nurse_id, State.RETURNED, "utter_handoff_back_to_bot", in_transcript=True)

    def close(self, handoff_id: int, nurse_id: int, outcome: str, note: Optional[str] = None) -> HandoffView:
        """Outcome and closing note are stored apart, so outcomes can be searched; both go in the audit trail."""
        outcome = outcome.strip()
        note = (note or "").strip() or None
        if not outcome:
            raise HandoffError("closing needs an outcome")
        if len(outcome) > MAX_OUTCOME_CHARS:
            raise HandoffError(f"an outcome can be at most {MAX_OUTCOME_CHARS} characters")
        if note is not None and len(note) > MAX_OUTCOME_NOTE_CHARS:
            raise HandoffError(f"a closing note can be at most {MAX_OUTCOME_NOTE_CHARS} characters")
        values = {"outcome": outcome} if note is None else {"outcome": outcome, "closing_note": note}
        return self._end(handoff_id, nurse_id, State.CLOSED, "utter_handoff_closed", in_transcript=False, **values)
