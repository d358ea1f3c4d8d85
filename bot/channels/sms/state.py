"""What the SMS channel keeps per phone number, with the number itself never stored or logged in clear."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Optional

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.channels.common import SMS_PREFIX
from bot.channels.sms.models import SmsConversation, SmsInbound
from bot.clock import Clock
from bot.outbox.models import OutboxMessage

MIN_KEY_LENGTH = 32
KEEP_HANDLED_INBOUND = dt.timedelta(days=7)  # long enough to ignore any retried or replayed webhook


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


class SmsKeys:
    """Two keys from the one configured secret: one names conversations, the other encrypts numbers."""

    def __init__(self, secret: str):
        if len(secret) < MIN_KEY_LENGTH:
            raise ValueError(f"the SMS conversation key must be at least {MIN_KEY_LENGTH} characters")
        master = secret.encode("utf-8")
        self._id_key = _derive(master, b"helpline sms conversation id")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(master, b"helpline sms encryption at rest")))

    def conversation_id(self, phone: str) -> str:
        """A stable pseudonym for the number (HMAC-SHA256), used as Rasa's sender id and in logs."""
        digest = hmac.new(self._id_key, phone.strip().encode("utf-8"), hashlib.sha256).hexdigest()
        return SMS_PREFIX + digest

    def encrypt(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")


@dataclass(frozen=True)
class SmsState:
    conversation_id: str
    phone: str
    opted_out: bool
    stop_notice_id: Optional[int]
    order_floor: int
    options: list[str]
    more: Optional[str]
    feedback_asked: bool = False  # "Did this help?" was asked, or a safety reply means it never will be
    feedback_content_id: Optional[str] = None  # the entry a HELPED or NOT HELPED reply is about
    safety_replied: bool = False  # emergency, urgent or crisis advice went out: no feedback is asked after it
    csat_handoff_id: Optional[int] = None  # the nurse chat a reply of 1 to 5 rates, until the next text


@dataclass(frozen=True)
class Inbound:
    id: int
    conversation_id: str
    text: str
    attempts: int


class SmsStore:
    """Each call is one unit of work, safe to run in a worker thread."""

    def __init__(self, session_factory: sessionmaker, keys: SmsKeys, clock: Clock):
        self._sessions = session_factory
        self._keys = keys
        self._now = clock

    @property
    def keys(self) -> SmsKeys:
        return self._keys

    # ----- received texts -----

    def receive(self, phone: str, message_sid: str, body: str) -> Optional[Inbound]:
        """Stores a text and who sent it; None when this message was already received (Twilio retry or replay)."""
        conversation_id = self._keys.conversation_id(phone)
        for _ in range(3):  # a first text racing another from the same new number retries once it exists
            try:
                received = self._store(conversation_id, phone, message_sid, body)
            except IntegrityError:
                with self._sessions() as session:
                    if session.execute(select(SmsInbound.id).where(SmsInbound.message_sid == message_sid)).first():
                        return None
                continue
            self._prune()
            return received
        raise RuntimeError("could not store the received SMS")

    def _store(self, conversation_id: str, phone: str, message_sid: str, body: str) -> Inbound:
        now = self._now()
        with self._sessions() as session, session.begin():
            conversation = session.get(SmsConversation, conversation_id)
            if conversation is not None:
                conversation.updated_at = now  # last activity, for retention
            else:
                session.add(
                    SmsConversation(
                        conversation_id=conversation_id,
                        phone_encrypted=self._keys.encrypt(phone.strip()),
                        opted_out=False,
                        order_floor=0,
                        created_at=now,
                        updated_at=now,
                    )
                )
                session.flush()
            inbound = SmsInbound(
                message_sid=message_sid,
                conversation_id=conversation_id,
                body_encrypted=self._keys.encrypt(body),
                received_at=now,
                attempts=0,
            )
            session.add(inbound)
            session.flush()
            return Inbound(inbound.id, conversation_id, body, 0)

    def _prune(self) -> None:
        with self._sessions() as session, session.begin():
            session.execute(delete(SmsInbound).where(SmsInbound.processed_at < self._now() - KEEP_HANDLED_INBOUND))

    def next_inbound(self, conversation_id: str) -> Optional[Inbound]:
        """The oldest text not yet handled, counting this attempt (a crash mid-way means it is tried again)."""
        with self._sessions() as session, session.begin():
            row = session.execute(
                select(SmsInbound)
                .where(SmsInbound.conversation_id == conversation_id, SmsInbound.processed_at.is_(None))
                .order_by(SmsInbound.id)
                .limit(1)
            ).scalar()
            if row is None:
                return None
            row.attempts += 1
            text = self._keys.decrypt(row.body_encrypted) if row.body_encrypted is not None else ""
            return Inbound(row.id, conversation_id, text, row.attempts)

    def mark_handled(self, inbound_id: int) -> None:
        """The text is done with: its body is erased (Rasa's tracker or the nurse's transcript has it)."""
        with self._sessions() as session, session.begin():
            session.execute(
                update(SmsInbound)
                .where(SmsInbound.id == inbound_id)
                .values(processed_at=self._now(), body_encrypted=None)
            )

    def conversations_with_unhandled(self) -> list[str]:
        with self._sessions() as session:
            rows = session.execute(
                select(SmsInbound.conversation_id)
                .where(SmsInbound.processed_at.is_(None))
                .group_by(SmsInbound.conversation_id)
                .order_by(func.min(SmsInbound.id))
            ).scalars()
            return list(rows)

    # ----- per-conversation state -----

    def state(self, conversation_id: str) -> Optional[SmsState]:
        with self._sessions() as session:
            row = session.get(SmsConversation, conversation_id)
            if row is None:
                return None
            return SmsState(
                conversation_id=conversation_id,
                phone=self._keys.decrypt(row.phone_encrypted),
                opted_out=bool(row.opted_out),
                stop_notice_id=row.stop_notice_id,
                order_floor=row.order_floor or 0,
                options=json.loads(row.options) if row.options else [],
                more=row.more_text,
                feedback_asked=bool(row.feedback_asked),
                feedback_content_id=row.feedback_content_id,
                safety_replied=bool(row.safety_replied),
                csat_handoff_id=row.csat_handoff_id,
            )

    def _update(self, conversation_id: str, **values) -> bool:
        with self._sessions() as session, session.begin():
            result = session.execute(
                update(SmsConversation)
                .where(SmsConversation.conversation_id == conversation_id)
                .values(updated_at=self._now(), **values)
            )
            return result.rowcount == 1

    def opt_out(self, conversation_id: str, stop_notice_id: Optional[int]) -> bool:
        """Marks the number as opted out, with the one confirmation still allowed out; False if it already was."""
        with self._sessions() as session, session.begin():
            result = session.execute(
                update(SmsConversation)
                .where(SmsConversation.conversation_id == conversation_id, SmsConversation.opted_out.is_(False))
                .values(opted_out=True, opted_out_at=self._now(), stop_notice_id=stop_notice_id, updated_at=self._now())
            )
            return result.rowcount == 1

    def opt_in(self, conversation_id: str) -> bool:
        """Clears an opt-out; messages held meanwhile no longer hold back what is sent from now on."""
        with self._sessions() as session, session.begin():
            floor = session.execute(
                select(func.max(OutboxMessage.id)).where(OutboxMessage.conversation_id == conversation_id)
            ).scalar()
            result = session.execute(
                update(SmsConversation)
                .where(SmsConversation.conversation_id == conversation_id, SmsConversation.opted_out.is_(True))
                .values(opted_out=False, opted_out_at=None, order_floor=floor or 0, updated_at=self._now())
            )
            return result.rowcount == 1

    def set_options(self, conversation_id: str, payloads: list[str]) -> None:
        self._update(conversation_id, options=json.dumps(payloads) if payloads else None)

    def set_more(self, conversation_id: str, text: str) -> None:
        self._update(conversation_id, more_text=text)

    def clear_more(self, conversation_id: str) -> None:
        """The full answer has been sent: a further MORE is told there is nothing more."""
        self._update(conversation_id, more_text=None)

    def feedback_asked(self, conversation_id: str, content_id: str) -> None:
        """Asked "Did this help?" about this entry: it is not asked again."""
        self._update(conversation_id, feedback_asked=True, feedback_content_id=content_id)

    def feedback_answered(self, conversation_id: str) -> None:
        self._update(conversation_id, feedback_content_id=None)

    def safety_reply_sent(self, conversation_id: str) -> None:
        """Emergency, urgent or crisis advice went out: neither "Did this help?" nor a chat rating is asked from now."""
        self._update(conversation_id, safety_replied=True, feedback_asked=True)

    def csat_asked(self, conversation_id: str, handoff_id: int) -> None:
        """The close notice of this nurse chat asks for a rating: a reply of 1 to 5 is about it."""
        self._update(conversation_id, csat_handoff_id=handoff_id)

    def csat_answered(self, conversation_id: str) -> None:
        """Rated, or the person texted something else: the question is not left open."""
        self._update(conversation_id, csat_handoff_id=None)
