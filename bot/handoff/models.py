"""Tables of the handoff queue. State changes are guarded updates, so racing writers cannot both win."""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)

from bot.models import Author, Base, StrEnum, UtcDateTime
from bot.outbox.models import OutboxMessage  # noqa: F401  (the outbox table, bot/outbox; imported from here before)


# abandoned: the person went away (tab closed, or silent) while waiting; counted apart from claims.
class State(StrEnum):
    """Where a handoff stands; the open ones (OPEN_STATES) are at most one per conversation."""

    WAITING = "waiting"
    CLAIMED = "claimed"
    RETURNED = "returned"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    ABANDONED = "abandoned"


OPEN_STATES = (State.WAITING, State.CLAIMED)


class Kind(StrEnum):
    """A live chat, or a message left out of hours."""

    LIVE = "live"
    MESSAGE = "message"


class Priority(StrEnum):
    """An urgent handoff goes before every normal one."""

    NORMAL = "normal"
    URGENT = "urgent"


class Role(StrEnum):
    """What a console account may do: an admin also manages accounts, reports and content."""

    NURSE = "nurse"
    ADMIN = "admin"


class Availability(StrEnum):
    """A nurse's own choice in the console: only an available nurse is alerted when someone urgent arrives."""

    AVAILABLE = "available"
    AWAY = "away"


LEFT_MESSAGE_REASON = "message left out of hours"  # the reason a left message shows in the queue


def _in(column: str, values: Iterable[str]) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


OPEN_WHERE = text(_in("state", OPEN_STATES))


class Nurse(Base):
    __tablename__ = "nurses"
    __table_args__ = (CheckConstraint(_in("role", Role), name="role"),)

    id = Column(Integer, primary_key=True)
    username = Column(String(80), nullable=False, unique=True)
    display_name = Column(String(120), nullable=False)
    password_hash = Column(Text, nullable=False)
    role = Column(String(10), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UtcDateTime, nullable=False)
    # When the latest console session ends, and when the nurse signed out: their claims go back to the queue.
    session_expires_at = Column(UtcDateTime, nullable=True)
    signed_out_at = Column(UtcDateTime, nullable=True)
    # Raised on sign-out and deactivation: tokens that carry an older version stop working.
    token_version = Column(Integer, nullable=False, default=0, server_default="0")
    last_signed_in_at = Column(UtcDateTime, nullable=True)
    # One of Availability, checked by bot/handoff/availability.py (SQLite could add no constraint without
    # rebuilding a table that others refer to).
    availability = Column(
        String(10), nullable=False, default=Availability.AVAILABLE, server_default=Availability.AVAILABLE.value
    )


class Handoff(Base):
    """One request for a nurse. At most one per conversation is open (waiting or claimed)."""

    __tablename__ = "handoffs"
    __table_args__ = (
        CheckConstraint(_in("state", State), name="state"),
        CheckConstraint(_in("kind", Kind), name="kind"),
        CheckConstraint(_in("priority", Priority), name="priority"),
        CheckConstraint(f"state != '{State.CLAIMED}' OR claimed_by IS NOT NULL", name="claimed_has_nurse"),
        Index(
            "uq_handoffs_one_open_per_conversation",
            "conversation_id",
            unique=True,
            sqlite_where=OPEN_WHERE,
            postgresql_where=OPEN_WHERE,
        ),
        Index("ix_handoffs_state_priority_created", "state", "priority", "created_at"),
    )

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(40), nullable=False)
    kind = Column(String(10), nullable=False)
    state = Column(String(10), nullable=False)
    priority = Column(String(10), nullable=False)
    reason = Column(Text, nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    claimed_at = Column(UtcDateTime, nullable=True)
    claimed_by = Column(Integer, ForeignKey("nurses.id"), nullable=True)
    ended_at = Column(UtcDateTime, nullable=True, index=True)  # past conversations are searched by it
    outcome = Column(Text, nullable=True)
    # The nurse's own words on closing, kept apart from the outcome chosen from a list, so outcomes can be searched.
    closing_note = Column(Text, nullable=True)
    # Presence: when the person last wrote or came back, and since when they have been away (web: tab closed).
    last_seen_at = Column(UtcDateTime, nullable=True)
    away_since = Column(UtcDateTime, nullable=True)
    # The queue position the person was last told, so that a move up is told once.
    told_position = Column(Integer, nullable=True)
    # When an urgent chat left unclaimed was last alerted again (bot/handoff/urgent_alerts.py).
    urgent_alerted_at = Column(UtcDateTime, nullable=True)
    # The last handoff_messages.id the nurse looking after it has seen (bot/handoff/inbox.py); None when they change.
    read_up_to = Column(Integer, nullable=True)


class HandoffMessage(Base):
    """The transcript: what the person, the bot, the nurse and the system said, in order."""

    __tablename__ = "handoff_messages"
    __table_args__ = (CheckConstraint(_in("author", Author), name="author"),)

    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    author = Column(String(10), nullable=False)
    nurse_id = Column(Integer, ForeignKey("nurses.id"), nullable=True)
    text = Column(Text, nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    # True for the conversation leading up to the handoff (copied from the bot chat); False for what
    # was written to or for the nurse, e.g. a message left out of hours or lines typed while queued.
    context = Column(Boolean, nullable=False, default=False)


class HandoffNote(Base):
    """A nurse's internal note on a conversation: for nurses only, so it is never in the transcript or the outbox."""

    __tablename__ = "handoff_notes"

    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    nurse_id = Column(Integer, ForeignKey("nurses.id"), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(UtcDateTime, nullable=False)


class HandoffEvent(Base):
    """Append-only audit trail of who did what and when; its ids also drive the console's live feed."""

    __tablename__ = "handoff_events"

    id = Column(Integer, primary_key=True)
    at = Column(UtcDateTime, nullable=False)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="SET NULL"), nullable=True, index=True)
    nurse_id = Column(Integer, ForeignKey("nurses.id"), nullable=True)
    actor = Column(String(10), nullable=False)
    kind = Column(String(30), nullable=False)
    detail = Column(Text, nullable=True)


class HelplinePause(Base):
    """New handoffs paused by an admin (sickness, a storm), with a message for the people who ask.

    `is_open` is true while the pause lasts and NULL once resumed: its unique constraint allows one open pause.
    """

    __tablename__ = "helpline_pauses"

    id = Column(Integer, primary_key=True)
    paused_at = Column(UtcDateTime, nullable=False)
    paused_by = Column(Integer, ForeignKey("nurses.id"), nullable=False)
    message = Column(Text, nullable=False)
    is_open = Column(Boolean, nullable=True, unique=True)
    resumed_at = Column(UtcDateTime, nullable=True)
    resumed_by = Column(Integer, ForeignKey("nurses.id"), nullable=True)
