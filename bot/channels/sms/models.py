"""Tables of the SMS channel: who to text (encrypted) and the durable queue of texts received."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Text, false

from bot.models import Base, UtcDateTime


class SmsConversation(Base):
    """One phone number, known only by its keyed hash; the number itself is kept encrypted to reply later."""

    __tablename__ = "sms_conversations"

    conversation_id = Column(String(255), primary_key=True)
    phone_encrypted = Column(Text, nullable=False)
    opted_out = Column(Boolean, nullable=False, default=False)
    opted_out_at = Column(UtcDateTime, nullable=True)
    # The outbox id of the STOP confirmation: the one message sent after STOP.
    stop_notice_id = Column(Integer, nullable=True)
    # Outbox ids up to here were queued before the latest START; they never hold newer messages back.
    order_floor = Column(Integer, nullable=False, default=0)
    options = Column(Text, nullable=True)  # JSON list of the payloads "1", "2"… stand for
    more_text = Column(Text, nullable=True)  # the full answer MORE sends
    # "Did this help?" is asked once per number, and never after a safety reply (bot/channels/sms/output.py).
    feedback_asked = Column(Boolean, nullable=False, default=False, server_default=false())
    feedback_content_id = Column(String(100), nullable=True)  # the entry a HELPED or NOT HELPED is about
    # Emergency, urgent or crisis advice has gone out: no feedback is asked of this number after it.
    safety_replied = Column(Boolean, nullable=False, default=False, server_default=false())
    # The nurse chat a reply of 1 to 5 rates: set when its close notice asks, cleared by the next text.
    csat_handoff_id = Column(Integer, nullable=True)
    created_at = Column(UtcDateTime, nullable=False)
    updated_at = Column(UtcDateTime, nullable=False)  # the last text or change: retention reads it


class SmsInbound(Base):
    """A text, stored before Twilio gets its 200 so a restart cannot lose it; the body is erased once handled."""

    __tablename__ = "sms_inbound"
    __table_args__ = (
        Index("ix_sms_inbound_pending", "conversation_id", "processed_at"),
        Index("ix_sms_inbound_processed_at", "processed_at"),
    )

    id = Column(Integer, primary_key=True)
    message_sid = Column(String(64), nullable=False, unique=True)  # a replayed or retried webhook is ignored
    conversation_id = Column(String(255), nullable=False)
    body_encrypted = Column(Text, nullable=True)
    received_at = Column(UtcDateTime, nullable=False)
    processed_at = Column(UtcDateTime, nullable=True)
    attempts = Column(Integer, nullable=False, default=0)
