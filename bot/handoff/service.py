"""Handoff state changes. Each call is one unit of work; each transition is a guarded UPDATE."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import statistics
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional, Sequence

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.handoff.bursts import urgent_bursts
from bot.handoff.models import (
    NORMAL,
    OPEN_STATES,
    URGENT,
    Handoff,
    HandoffEvent,
    HandoffMessage,
    Nurse,
    OutboxMessage,
)
from bot.limits import MAX_OUTCOME_CHARS, MAX_OUTCOME_NOTE_CHARS, MAX_REPLY_CHARS
from bot.wording import Wording

DEFAULT_WAIT = dt.timedelta(minutes=5)
RETRY_FIRST = dt.timedelta(seconds=2)
RETRY_LONGEST = dt.timedelta(minutes=5)
RECENT_CLAIMS = 20
LEASE = dt.timedelta(seconds=60)  # how long a sender may take before another process may send the message


class HandoffError(Exception):
    """A request that cannot be carried out; `status` is the HTTP status that fits it."""

    status = 400


class NotFound(HandoffError):
    status = 404


class Conflict(HandoffError):
    status = 409


@dataclass(frozen=True)
class HandoffView:
    id: int
    conversation_id: str
    channel: str
    kind: str
    state: str
    priority: str
    reason: str
    created_at: dt.datetime
    claimed_at: Optional[dt.datetime]
    claimed_by: Optional[int]
    claimed_by_name: Optional[str]
    ended_at: Optional[dt.datetime]
    outcome: Optional[str]
    away_since: Optional[dt.datetime] = None  # the person's tab closed (web); shown to the nurse as away
    last_seen_at: Optional[dt.datetime] = None  # when the person last wrote or came back
    closing_note: Optional[str] = None  # the nurse's words on closing, apart from the outcome

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


@dataclass(frozen=True)
class MessageView:
    id: int
    author: str
    text: str
    created_at: dt.datetime
    nurse_name: Optional[str]
    context: bool = False  # the conversation leading up to the handoff, not written for the nurse


@dataclass(frozen=True)
class QueueItem:
    handoff: HandoffView
    position: int
    waiting_seconds: float
    last_message: Optional[str]
    burst: int = 0  # urgent requests arriving together, this one included (bot/limits.py); 0 when not a burst


@dataclass(frozen=True)
class Placed:
    """The result of asking for a nurse: the handoff, and whether this call created it."""

    handoff: HandoffView
    created: bool
    position: int
    estimated_wait: dt.timedelta


@dataclass(frozen=True)
class Outgoing:
    """A message waiting in the outbox for the person."""

    id: int
    conversation_id: str
    channel: str
    author: str  # bot | nurse | system
    sender_name: Optional[str]  # the nurse's display name, for nurse messages
    text: str
    buttons: tuple = ()  # ({"title", "payload"}, ...): quick replies, where the channel shows them


def _outgoing(message: OutboxMessage) -> Outgoing:
    buttons = tuple(json.loads(message.buttons)) if message.buttons else ()
    return Outgoing(
        message.id, message.conversation_id, message.channel, message.author, message.sender_name, message.text, buttons
    )


@dataclass(frozen=True)
class EventView:
    id: int
    at: dt.datetime
    handoff_id: Optional[int]
    actor: str
    kind: str
    detail: dict


def _aware(value: Optional[dt.datetime]) -> Optional[dt.datetime]:
    """SQLite hands datetimes back naive; they were stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def _view(handoff: Handoff, nurse_name: Optional[str]) -> HandoffView:
    return HandoffView(
        id=handoff.id,
        conversation_id=handoff.conversation_id,
        channel=handoff.channel,
        kind=handoff.kind,
        state=handoff.state,
        priority=handoff.priority,
        reason=handoff.reason,
        created_at=_aware(handoff.created_at),  # type: ignore[arg-type]
        claimed_at=_aware(handoff.claimed_at),
        claimed_by=handoff.claimed_by,
        claimed_by_name=nurse_name,
        ended_at=_aware(handoff.ended_at),
        outcome=handoff.outcome,
        away_since=_aware(handoff.away_since),
        last_seen_at=_aware(handoff.last_seen_at),
        closing_note=handoff.closing_note,
    )


class HandoffService:
    """Everything a person wrote is redacted here, before it reaches a table, so no caller can skip it."""

    def __init__(
        self,
        session_factory: sessionmaker,
        clock: Clock,
        wording: Wording,
        redact: Optional[Callable[[str], str]] = None,
    ):
        self._sessions = session_factory
        self._now = clock
        self._wording = wording
        self._redact = redact

    def _private(self, text: str) -> str:
        if self._redact is None:
            from bot.safety.redaction import shared_redactor

            self._redact = shared_redactor().redact  # type: ignore[assignment]
        return self._redact(text) or ""  # type: ignore[misc]

    # ----- helpers (inside a unit of work) -----

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
        return _view(handoff, name)

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
        session.add(
            OutboxMessage(
                conversation_id=handoff.conversation_id,
                channel=handoff.channel,
                handoff_id=handoff.id,
                author=author,
                sender_name=sender_name,
                text=text,
                created_at=self._now(),
                attempts=0,
                buttons=json.dumps(list(buttons)) if buttons else None,
            )
        )

    def send_later(self, conversation_id: str, channel: str, author: str, text: str) -> int:
        """Queues a message for a channel that sends asynchronously (the bot's SMS replies)."""
        with self._sessions() as session, session.begin():
            message = OutboxMessage(
                conversation_id=conversation_id,
                channel=channel,
                author=author,
                text=text,
                created_at=self._now(),
                attempts=0,
            )
            session.add(message)
            session.flush()
            return message.id

    def _transition(self, session: Session, handoff_id: int, allowed: Sequence[str], extra=(), **values) -> bool:
        """UPDATE … WHERE state IN allowed: exactly one concurrent caller can succeed."""
        result = session.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id, Handoff.state.in_(allowed), *extra)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    # ----- the person's side -----

    def request(
        self,
        conversation_id: str,
        channel: str,
        reason: str,
        *,
        priority: str = NORMAL,
        transcript: Iterable[tuple[str, str]] = (),
    ) -> Placed:
        """Puts the conversation in the queue, or returns the handoff it already has open."""
        with self._sessions() as session:
            try:
                with session.begin():
                    handoff = Handoff(
                        conversation_id=conversation_id,
                        channel=channel,
                        kind="live",
                        state="waiting",
                        priority=priority,
                        reason=reason,
                        created_at=self._now(),
                    )
                    session.add(handoff)
                    session.flush()
                    for author, text in transcript:
                        stored = self._private(text) if author == "person" else text
                        session.add(
                            HandoffMessage(
                                handoff_id=handoff.id, author=author, text=stored, created_at=self._now(), context=True
                            )
                        )
                    self._event(session, "created", "person", handoff.id, priority=priority, channel=channel)
                created = True
            except IntegrityError:
                created = False
            with session.begin():
                existing = self._open_for(session, conversation_id)
                if existing is None:
                    raise Conflict(f"conversation {conversation_id} could not be queued")
                if priority == URGENT and existing.priority != URGENT and not created:
                    existing.priority = URGENT
                    self._event(session, "escalated", "person", existing.id)
                if existing.kind == "message" and existing.state == "waiting":  # they are here now: chat live
                    existing.kind = "live"
                    existing.last_seen_at = self._now()
                    self._event(session, "message_to_live", "person", existing.id)
                session.flush()  # before _load_view refreshes the row
                view = self._load_view(session, existing.id)
        position = self.position(view.id) if view.state == "waiting" else 0
        return Placed(view, created, position, self.estimated_wait(position))

    def leave_message(self, conversation_id: str, channel: str, text: str) -> HandoffView:
        """An out-of-hours message; nurses see these first when the helpline opens."""
        with self._sessions() as session, session.begin():
            handoff = Handoff(
                conversation_id=conversation_id,
                channel=channel,
                kind="message",
                state="waiting",
                priority=NORMAL,
                reason="message left out of hours",
                created_at=self._now(),
            )
            session.add(handoff)
            session.flush()
            session.add(
                HandoffMessage(handoff_id=handoff.id, author="person", text=self._private(text), created_at=self._now())
            )
            self._event(session, "message_left", "person", handoff.id, channel=channel)
            session.flush()
            return _view(handoff, None)

    def open_handoff(self, conversation_id: str) -> Optional[HandoffView]:
        with self._sessions() as session:
            handoff = self._open_for(session, conversation_id)
            if handoff is None or handoff.kind != "live":
                return None
            return self._load_view(session, handoff.id)

    def person_says(self, conversation_id: str, text: str) -> Optional[HandoffView]:
        """Stores the person's message for the nurse if a live handoff is open; None means the bot answers."""
        with self._sessions() as session, session.begin():
            handoff = self._open_for(session, conversation_id)
            if handoff is None or handoff.kind != "live":
                return None
            session.add(
                HandoffMessage(handoff_id=handoff.id, author="person", text=self._private(text), created_at=self._now())
            )
            handoff.last_seen_at, handoff.away_since = self._now(), None
            self._event(session, "person_message", "person", handoff.id)
            session.flush()  # before _load_view refreshes the row
            return self._load_view(session, handoff.id)

    def flag_safety(self, handoff_id: int, note: str) -> HandoffView:
        """The rule layer saw a red flag or crisis words mid-chat: tell the nurse and move to the top."""
        with self._sessions() as session, session.begin():
            handoff = self._get(session, handoff_id)
            if handoff.priority != URGENT:
                handoff.priority = URGENT
            session.add(HandoffMessage(handoff_id=handoff_id, author="system", text=note, created_at=self._now()))
            self._event(session, "safety_flag", "system", handoff_id, note=note)
            session.flush()
            return self._load_view(session, handoff_id)

    def cancel_by_person(self, conversation_id: str) -> Optional[HandoffView]:
        with self._sessions() as session, session.begin():
            handoff = self._open_for(session, conversation_id)
            if handoff is None or handoff.kind != "live":
                return None
            if not self._transition(session, handoff.id, OPEN_STATES, state="cancelled", ended_at=self._now()):
                return None
            self._event(session, "cancelled", "person", handoff.id)
            return self._load_view(session, handoff.id)

    def record_bot_turn(self, handoff_id: int, author: str, text: str) -> None:
        with self._sessions() as session, session.begin():
            self._get(session, handoff_id)
            session.add(HandoffMessage(handoff_id=handoff_id, author=author, text=text, created_at=self._now()))

    # ----- the nurse's side -----

    def queue(self) -> list[QueueItem]:
        """Waiting live handoffs: urgent first, then oldest."""
        now = self._now()
        with self._sessions() as session:
            rows = (
                session.execute(
                    select(Handoff)
                    .where(Handoff.state == "waiting", Handoff.kind == "live")
                    .order_by((Handoff.priority == URGENT).desc(), Handoff.created_at, Handoff.id)
                )
                .scalars()
                .all()
            )
            last = self._last_person_messages(session, [h.id for h in rows])
            bursts = urgent_bursts({h.id: _aware(h.created_at) for h in rows if h.priority == URGENT})  # type: ignore[misc]
            return [
                QueueItem(
                    _view(h, None),
                    i + 1,
                    (now - _aware(h.created_at)).total_seconds(),  # type: ignore[operator]
                    last.get(h.id),
                    bursts.get(h.id, 0),
                )
                for i, h in enumerate(rows)
            ]

    def _last_person_messages(self, session: Session, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        newest = (
            select(HandoffMessage.handoff_id, func.max(HandoffMessage.id).label("id"))
            .where(HandoffMessage.handoff_id.in_(ids), HandoffMessage.author == "person")
            .group_by(HandoffMessage.handoff_id)
            .subquery()
        )
        rows = session.execute(select(HandoffMessage).join(newest, HandoffMessage.id == newest.c.id)).scalars()
        return {m.handoff_id: m.text for m in rows}

    def left_messages(self, include_done: bool = False) -> list[HandoffView]:
        """Out-of-hours messages: urgent first (safety advice was given while it was left), then oldest."""
        with self._sessions() as session:
            query = select(Handoff).where(Handoff.kind == "message")
            if not include_done:
                query = query.where(Handoff.state.in_(OPEN_STATES))
            order = ((Handoff.priority == URGENT).desc(), Handoff.created_at, Handoff.id)
            rows = session.execute(query.order_by(*order)).scalars().all()
            return [self._load_view(session, h.id) for h in rows]

    def position(self, handoff_id: int) -> int:
        return next((item.position for item in self.queue() if item.handoff.id == handoff_id), 0)

    def estimated_wait(self, position: int) -> dt.timedelta:
        """Position times the median wait of recent claims (five minutes each before there are any)."""
        with self._sessions() as session:
            rows = session.execute(
                select(Handoff.created_at, Handoff.claimed_at)
                .where(Handoff.claimed_at.is_not(None), Handoff.kind == "live")
                .order_by(Handoff.claimed_at.desc())
                .limit(RECENT_CLAIMS)
            ).all()
        waits = [(_aware(c) - _aware(a)).total_seconds() for a, c in rows]  # type: ignore[operator]
        each = dt.timedelta(seconds=statistics.median(waits)) if waits else DEFAULT_WAIT
        return max(each, dt.timedelta(minutes=1)) * max(position, 1)

    def detail(self, handoff_id: int) -> tuple[HandoffView, list[MessageView]]:
        with self._sessions() as session:
            view = self._load_view(session, handoff_id)
            rows = session.execute(
                select(HandoffMessage, Nurse.display_name)
                .outerjoin(Nurse, Nurse.id == HandoffMessage.nurse_id)
                .where(HandoffMessage.handoff_id == handoff_id)
                .order_by(HandoffMessage.id)
            ).all()
            return view, [
                MessageView(m.id, m.author, m.text, _aware(m.created_at), name, bool(m.context))  # type: ignore[arg-type]
                for m, name in rows
            ]

    def claim(self, handoff_id: int, nurse_id: int) -> HandoffView:
        """Exactly one of several nurses claiming at once wins; the others get Conflict."""
        with self._sessions() as session:
            with session.begin():
                handoff = self._get(session, handoff_id)
                won = self._transition(
                    session, handoff_id, ("waiting",), state="claimed", claimed_by=nurse_id, claimed_at=self._now()
                )
                if won:
                    return self._after_claim(session, handoff, nurse_id)
            with session.begin():  # the losing attempt is audited too, in its own unit of work
                state = self._get(session, handoff_id).state
                self._event(session, "claim_lost", "nurse", handoff_id, nurse_id)
        raise Conflict(f"handoff {handoff_id} is {state}, not waiting")

    def _after_claim(self, session: Session, handoff: Handoff, nurse_id: int) -> HandoffView:
        self._event(session, "claimed", "nurse", handoff.id, nurse_id)
        view = self._load_view(session, handoff.id)
        if view.kind == "live":
            text = self._wording.text("utter_handoff_nurse_joined", channel=view.channel, nurse=view.claimed_by_name)
            self._enqueue(session, handoff, "system", text)
            session.add(HandoffMessage(handoff_id=handoff.id, author="system", text=text, created_at=self._now()))
        return view

    def claimed_by_nurse(self, nurse_id: int) -> list[HandoffView]:
        """The conversations a nurse has claimed and not yet handed back or closed, oldest first."""
        with self._sessions() as session:
            rows = session.execute(
                select(Handoff.id)
                .where(Handoff.state == "claimed", Handoff.claimed_by == nurse_id)
                .order_by(Handoff.claimed_at, Handoff.id)
            ).scalars()
            return [self._load_view(session, handoff_id) for handoff_id in rows]

    def _claimed_by(self, session: Session, handoff_id: int, nurse_id: int) -> Handoff:
        handoff = self._get(session, handoff_id)
        if handoff.state != "claimed" or handoff.claimed_by != nurse_id:
            raise Conflict(f"handoff {handoff_id} is not claimed by you")
        return handoff

    def reply(self, handoff_id: int, nurse_id: int, text: str) -> MessageView:
        text = text.strip()
        if not text:
            raise HandoffError("a reply needs some text")
        if len(text) > MAX_REPLY_CHARS:
            raise HandoffError(f"a reply can be at most {MAX_REPLY_CHARS} characters")
        with self._sessions() as session, session.begin():
            handoff = self._claimed_by(session, handoff_id, nurse_id)
            message = HandoffMessage(
                handoff_id=handoff_id, author="nurse", nurse_id=nurse_id, text=text, created_at=self._now()
            )
            session.add(message)
            name = session.get(Nurse, nurse_id).display_name
            self._enqueue(session, handoff, "nurse", text, sender_name=name)
            self._event(session, "nurse_reply", "nurse", handoff_id, nurse_id)
            session.flush()
            return MessageView(message.id, "nurse", text, self._now(), name)

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
        with self._sessions() as session, session.begin():
            handoff = self._claimed_by(session, handoff_id, nurse_id)
            if not self._transition(
                session,
                handoff_id,
                ("claimed",),
                [Handoff.claimed_by == nurse_id],
                state=state,
                ended_at=self._now(),
                **values,
            ):
                raise Conflict(f"handoff {handoff_id} changed while it was being ended")
            if handoff.kind == "live":
                text = self._wording.text(notice, channel=handoff.channel)
                self._enqueue(session, handoff, "system", text)
                if in_transcript:
                    session.add(
                        HandoffMessage(handoff_id=handoff_id, author="system", text=text, created_at=self._now())
                    )
            self._event(session, state, "nurse", handoff_id, nurse_id, **values)
            return self._load_view(session, handoff_id)

    def hand_back(self, handoff_id: int, nurse_id: int) -> HandoffView:
        return self._end(handoff_id, nurse_id, "returned", "utter_handoff_back_to_bot", in_transcript=True)

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
        return self._end(handoff_id, nurse_id, "closed", "utter_handoff_closed", in_transcript=False, **values)

    # ----- delivery and live updates -----

    def pending_for(self, conversation_id: str) -> list[Outgoing]:
        """Undelivered messages for the person, oldest first."""
        with self._sessions() as session:
            rows = session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.conversation_id == conversation_id, OutboxMessage.delivered_at.is_(None))
                .order_by(OutboxMessage.id)
            ).scalars()
            return [_outgoing(m) for m in rows]

    def pending_on(self, channel: str, limit: int = 100) -> list[Outgoing]:
        """Undelivered messages on a channel that pushes, due now, oldest first."""
        now = self._now()
        with self._sessions() as session:
            rows = session.execute(
                select(OutboxMessage)
                .where(
                    OutboxMessage.channel == channel,
                    OutboxMessage.delivered_at.is_(None),
                    (OutboxMessage.next_attempt_at.is_(None)) | (OutboxMessage.next_attempt_at <= now),
                )
                .order_by(OutboxMessage.id)
                .limit(limit)
            ).scalars()
            return [_outgoing(m) for m in rows]

    def claim_pending_on(self, channel: str, limit: int = 100, lease: dt.timedelta = LEASE) -> list[Outgoing]:
        """Like `pending_on`, but leased to the caller: with several replicas, only one sends each message."""
        now = self._now()
        due = (OutboxMessage.next_attempt_at.is_(None)) | (OutboxMessage.next_attempt_at <= now)
        return self._claim(and_(OutboxMessage.channel == channel, due), now, lease, limit, in_order=False)

    def claim_pending_for(self, conversation_id: str, lease: dt.timedelta = LEASE) -> list[Outgoing]:
        """Like `pending_for`, leased; stops at a message another process holds, so nothing overtakes it."""
        return self._claim(OutboxMessage.conversation_id == conversation_id, self._now(), lease, None, in_order=True)

    def _claim(
        self, condition: Any, now: dt.datetime, lease: dt.timedelta, limit: Optional[int], *, in_order: bool
    ) -> list[Outgoing]:
        """One guarded UPDATE takes the free rows: two processes racing for a row cannot both get it."""
        token = secrets.token_hex(16)
        free = or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until <= now)
        with self._sessions() as session, session.begin():
            query = (
                select(OutboxMessage.id, OutboxMessage.lease_until)
                .where(condition, OutboxMessage.delivered_at.is_(None))
                .order_by(OutboxMessage.id)
            )
            rows = session.execute(query if limit is None else query.limit(limit)).all()
            wanted = []
            for outbox_id, until in rows:
                if until is not None and _aware(until) > now:  # type: ignore[operator]
                    if in_order:
                        break
                    continue
                wanted.append(outbox_id)
            if not wanted:
                return []
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(wanted), OutboxMessage.delivered_at.is_(None), free)
                .values(lease_token=token, lease_until=now + lease)
                .execution_options(synchronize_session=False)
            )
            got = session.execute(
                select(OutboxMessage).where(OutboxMessage.lease_token == token).order_by(OutboxMessage.id)
            ).scalars()
            claimed = [_outgoing(m) for m in got]
            if in_order:
                keep: list[Outgoing] = []
                for message, outbox_id in zip(claimed, wanted, strict=False):
                    if message.id != outbox_id:
                        break
                    keep.append(message)
                self._release(session, [m.id for m in claimed[len(keep) :]])
                return keep
            return claimed

    @staticmethod
    def _release(session: Session, outbox_ids: Sequence[int]) -> None:
        if outbox_ids:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(outbox_ids), OutboxMessage.delivered_at.is_(None))
                .values(lease_token=None, lease_until=None)
                .execution_options(synchronize_session=False)
            )

    def release(self, outbox_ids: Sequence[int]) -> None:
        """Gives back claimed messages that were not sent (the person is not reachable here), due again at once."""
        if outbox_ids:
            with self._sessions() as session, session.begin():
                self._release(session, outbox_ids)

    def mark_delivered(self, outbox_ids: Sequence[int]) -> None:
        if not outbox_ids:
            return
        with self._sessions() as session, session.begin():
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(outbox_ids), OutboxMessage.delivered_at.is_(None))
                .values(
                    delivered_at=self._now(), attempts=OutboxMessage.attempts + 1, lease_token=None, lease_until=None
                )
            )

    def mark_failed(self, outbox_id: int, error: str) -> int:
        """Records a failed delivery and schedules the next try (2 s, doubling, at most 5 minutes).

        The message is never dropped; returns how many attempts have now failed.
        """
        with self._sessions() as session, session.begin():
            message = session.get(OutboxMessage, outbox_id)
            if message is None:
                raise NotFound(f"no outbox message with id {outbox_id}")
            message.attempts += 1
            message.last_error = error[:1000]
            delay = min(RETRY_FIRST * 2 ** (message.attempts - 1), RETRY_LONGEST)
            message.next_attempt_at = self._now() + delay
            message.lease_token = None
            message.lease_until = None
            return message.attempts

    def events_since(self, last_id: int, limit: int = 200) -> list[EventView]:
        with self._sessions() as session:
            rows = session.execute(
                select(HandoffEvent).where(HandoffEvent.id > last_id).order_by(HandoffEvent.id).limit(limit)
            ).scalars()
            return [
                EventView(e.id, _aware(e.at), e.handoff_id, e.actor, e.kind, json.loads(e.detail) if e.detail else {})  # type: ignore[arg-type]
                for e in rows
            ]

    def latest_event_id(self) -> int:
        with self._sessions() as session:
            return session.execute(select(func.max(HandoffEvent.id))).scalar() or 0

    def wait_statistics(self, since: dt.datetime) -> dict[str, Any]:
        """Waiting-time figures for the operations lead: claimed handoffs created since `since`."""
        since = since.astimezone(dt.timezone.utc)
        with self._sessions() as session:
            rows = session.execute(
                select(Handoff.created_at, Handoff.claimed_at, Handoff.state).where(
                    and_(Handoff.kind == "live", Handoff.created_at >= since)
                )
            ).all()
        waits = sorted((_aware(c) - _aware(a)).total_seconds() for a, c, _ in rows if c is not None)  # type: ignore[operator]
        return {
            "handoffs": len(rows),
            "claimed": len(waits),
            "abandoned": sum(1 for _, _, state in rows if state == "abandoned"),
            "median_wait_seconds": statistics.median(waits) if waits else None,
            "p90_wait_seconds": waits[min(len(waits) - 1, int(len(waits) * 0.9))] if waits else None,
            "longest_wait_seconds": waits[-1] if waits else None,
        }
