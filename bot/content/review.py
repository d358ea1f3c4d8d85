"""The content lead's view of the store: every entry with its sources and review dates, overdue first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload, sessionmaker

from bot.content.models import Entry


@dataclass(frozen=True)
class ReviewItem:
    id: str
    topic: str
    question: str
    documents: tuple[str, ...]
    last_reviewed: dt.date
    next_review_due: dt.date
    review_status: str

    def overdue(self, today: dt.date) -> bool:
        return today > self.next_review_due


class ContentReview:
    """Read side for governance: what is stored, whether it is approved, and when each review falls due."""

    def __init__(self, sessions: sessionmaker):
        self._sessions = sessions

    def items(self) -> list[ReviewItem]:
        """Every stored entry, approved or draft, the longest overdue first."""
        with self._sessions() as session:
            rows = session.execute(
                select(Entry).options(selectinload(Entry.citations)).order_by(Entry.next_review_due, Entry.id)
            ).scalars()
            return [
                ReviewItem(
                    id=row.id,
                    topic=row.topic,
                    question=row.question,
                    documents=row.documents(),
                    last_reviewed=row.last_reviewed,
                    next_review_due=row.next_review_due,
                    review_status=row.review_status,
                )
                for row in rows
            ]
