"""Records feedback (one verdict per conversation and entry, or per nurse chat) and anonymises it for retention."""

from __future__ import annotations

import datetime as dt
from typing import Callable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.content.models import Entry
from bot.feedback.models import CSAT_RATINGS, Feedback, FeedbackKind
from bot.limits import MAX_FEEDBACK_COMMENT_CHARS, valid_text


def _redacted(comment: Optional[str]) -> Optional[str]:
    """The person's words with personal details replaced, like every other text they write; blank is none."""
    from bot.safety.redaction import redact

    if comment is None or not comment.strip():
        return None
    if len(comment) > MAX_FEEDBACK_COMMENT_CHARS:
        raise ValueError(f"a comment is at most {MAX_FEEDBACK_COMMENT_CHARS} characters")
    return redact(valid_text(comment.strip()))


class FeedbackStore:
    """Each call is one unit of work, safe to run in a worker thread."""

    def __init__(
        self, sessions: sessionmaker, clock: Clock, redactor: Callable[[Optional[str]], Optional[str]] = _redacted
    ):
        self._sessions = sessions
        self._now = clock
        self._redact = redactor

    def entry_exists(self, content_id: str) -> bool:
        """Whether the content store has this entry: a client names the entry, so it is checked."""
        with self._sessions() as session:
            return session.get(Entry, content_id) is not None

    def closed_chat(self, conversation_id: str, *, routine_only: bool = False) -> Optional[int]:
        """The conversation's latest nurse chat, if a nurse closed it: the one a rating is about.

        With `routine_only`, None too when any request for a nurse in the conversation was urgent (a red flag or
        crisis words, before or during it): nobody is asked to rate a chat after that.
        """
        from bot.handoff.models import Handoff, Kind, Priority, State

        mine = Handoff.conversation_id == conversation_id
        with self._sessions() as session:
            chats = select(Handoff.id, Handoff.state).where(mine, Handoff.kind == Kind.LIVE)
            latest = session.execute(chats.order_by(Handoff.id.desc()).limit(1)).first()
            if latest is None or latest[1] != State.CLOSED:
                return None
            if (
                routine_only
                and session.execute(select(Handoff.id).where(mine, Handoff.priority == Priority.URGENT)).first()
            ):
                return None
        return latest[0]

    def _upsert(self, session: Session, conversation_id: str, channel: str, kind: str, **key) -> Feedback:
        row = session.execute(
            select(Feedback).where(
                Feedback.conversation_id == conversation_id,
                Feedback.kind == kind,
                *(getattr(Feedback, name) == value for name, value in key.items()),
            )
        ).scalar()
        if row is None:
            row = Feedback(conversation_id=conversation_id, channel=channel, kind=kind, **key)
            session.add(row)
        row.created_at = self._now()
        return row

    def record_helpful(
        self, conversation_id: str, channel: str, content_id: str, helpful: bool, comment: Optional[str] = None
    ) -> None:
        """Yes or no on an entry; a later verdict on the same entry in the same conversation replaces it."""
        words = self._redact(comment) if not helpful else None
        with self._sessions() as session, session.begin():
            row = self._upsert(session, conversation_id, channel, FeedbackKind.HELPFUL, content_id=content_id)
            if row.rating != int(helpful):
                row.comment = None
            row.rating = int(helpful)
            if words is not None:
                row.comment = words

    def record_csat(self, conversation_id: str, channel: str, rating: int, handoff_id: Optional[int]) -> None:
        """1 to 5 for a nurse chat; a later rating of the same chat replaces it."""
        if rating not in CSAT_RATINGS:
            raise ValueError("a rating is 1 to 5")
        with self._sessions() as session, session.begin():
            self._upsert(session, conversation_id, channel, FeedbackKind.CSAT, handoff_id=handoff_id).rating = rating


def anonymise(session: Session, cutoff: dt.datetime, tz: dt.tzinfo = dt.timezone.utc) -> int:
    """Feedback older than the cut-off loses its conversation, chat and words, and its time the start of its day.

    The day is the helpline's (`tz`), as the reports count it, so a report reads the same before and after.

    What is left (day, channel, entry, rating) is anonymous, and it is what the reports count.
    """
    rows = session.execute(
        select(Feedback).where(Feedback.created_at < cutoff, Feedback.conversation_id.is_not(None))
    ).scalars()
    anonymised = 0
    for row in rows:
        day = row.created_at.astimezone(tz).date()
        row.created_at = dt.datetime.combine(day, dt.time(0), tz).astimezone(dt.timezone.utc)
        row.conversation_id = None
        row.handoff_id = None
        row.comment = None
        anonymised += 1
    return anonymised
