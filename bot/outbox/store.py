"""Queuing and leased delivery of outbox messages; each call is one unit of work, except `enqueue`."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.handoff.errors import NotFound
from bot.outbox.models import OutboxMessage

RETRY_FIRST = dt.timedelta(seconds=2)
RETRY_LONGEST = dt.timedelta(minutes=5)
LEASE = dt.timedelta(seconds=60)  # how long a sender may take before another process may send the message


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


class Outbox:
    """What waits for the person: queued by handoff transitions and the SMS line, taken by the channels."""

    def __init__(self, session_factory: sessionmaker, clock: Clock):
        self._sessions = session_factory
        self._now = clock

    def enqueue(
        self,
        session: Session,
        conversation_id: str,
        channel: str,
        author: str,
        text: str,
        *,
        handoff_id: Optional[int] = None,
        sender_name: Optional[str] = None,
        buttons: Sequence[dict] = (),
    ) -> OutboxMessage:
        """Adds a message inside the caller's unit of work, so it is stored only if the caller's change is."""
        message = OutboxMessage(
            conversation_id=conversation_id,
            channel=channel,
            handoff_id=handoff_id,
            author=author,
            sender_name=sender_name,
            text=text,
            created_at=self._now(),
            attempts=0,
            buttons=json.dumps(list(buttons)) if buttons else None,
        )
        session.add(message)
        return message

    def send_later(self, conversation_id: str, channel: str, author: str, text: str) -> int:
        """Queues a message for a channel that sends asynchronously (the bot's SMS replies)."""
        with self._sessions() as session, session.begin():
            message = self.enqueue(session, conversation_id, channel, author, text)
            session.flush()
            return message.id

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
                if until is not None and until > now:
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
