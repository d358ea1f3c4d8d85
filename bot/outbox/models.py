"""The outbox table (registered on bot.models.Base; bot.handoff.models re-exports it for the migrations)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Text

from bot.models import Author, Base, UtcDateTime

OUTBOX_AUTHORS = (Author.BOT, Author.NURSE, Author.SYSTEM)


class OutboxMessage(Base):
    """A message for the person, kept until their channel has delivered it; nothing is lost on restart.

    Nurse and system messages on every channel; on channels that send asynchronously (SMS),
    the bot's own replies too, so that a failed send is retried rather than lost.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(f"author IN ({', '.join(repr(str(a)) for a in OUTBOX_AUTHORS)})", name="author"),
        Index("ix_outbox_pending", "conversation_id", "delivered_at"),
    )

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False)
    channel = Column(String(40), nullable=False)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="SET NULL"), nullable=True)
    author = Column(String(10), nullable=False)
    sender_name = Column(String(120), nullable=True)
    text = Column(Text, nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    delivered_at = Column(UtcDateTime, nullable=True)
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(Text, nullable=True)
    next_attempt_at = Column(UtcDateTime, nullable=True)
    # A sender's lease: while it runs, no other process (replica) sends this message.
    lease_token = Column(String(32), nullable=True)
    lease_until = Column(UtcDateTime, nullable=True)
    # JSON list of {"title", "payload"}: quick replies where the channel shows them (the widget).
    buttons = Column(Text, nullable=True)
