"""The feedback table: one row per person's verdict, anonymised (no conversation, no words) by retention."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Index, Integer, String, Text

from bot.models import Base, StrEnum, UtcDateTime


class FeedbackKind(StrEnum):
    """What a verdict is on: its rating's range depends on it."""

    HELPFUL = "helpful"  # rating 1 (yes) or 0 (no) on a content entry
    CSAT = "csat"  # rating 1 to 5 at the end of a nurse chat


CSAT_RATINGS = range(1, 6)


class Feedback(Base):
    """A verdict on a content answer or a nurse chat; the day, channel, entry and rating outlive the conversation."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint(f"kind IN ('{FeedbackKind.HELPFUL}', '{FeedbackKind.CSAT}')", name="kind"),
        CheckConstraint(
            f"(kind = '{FeedbackKind.HELPFUL}' AND rating IN (0, 1)) OR "
            f"(kind = '{FeedbackKind.CSAT}' AND rating BETWEEN {CSAT_RATINGS[0]} AND {CSAT_RATINGS[-1]})",
            name="rating",
        ),
        Index("ix_feedback_conversation", "conversation_id", "kind"),
    )

    id = Column(Integer, primary_key=True)
    created_at = Column(UtcDateTime, nullable=False, index=True)
    channel = Column(String(20), nullable=False)
    kind = Column(String(10), nullable=False)
    content_id = Column(String(100), nullable=True)  # the entry judged (helpful); no foreign key: entries are retired
    handoff_id = Column(Integer, nullable=True)  # the nurse chat rated (csat); handoffs go with retention
    rating = Column(Integer, nullable=False)
    comment = Column(Text, nullable=True)  # "what was missing?", redacted; deleted by retention
    conversation_id = Column(String(255), nullable=True)  # deleted by retention
