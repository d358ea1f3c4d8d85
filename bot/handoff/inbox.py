"""A nurse's own conversations as an inbox: each with the person's last message, how long they have waited for an
answer, and how many of their messages the nurse has not seen (since she last viewed the conversation or replied).

What the nurse has seen is `handoffs.read_up_to`: the console moves it on as she reads or replies, and a transfer,
a reassignment or a release clears it (bot/handoff/claims.py), so whoever takes the chat next starts with all unread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, select, update

from bot.handoff.models import Handoff, HandoffMessage, State
from bot.handoff.service import Conflict, HandoffService, HandoffView, NotFound
from bot.models import Author


@dataclass(frozen=True)
class InboxItem:
    handoff: HandoffView
    last_message: Optional[str]  # the person's latest words
    waiting_seconds: Optional[float]  # since the person wrote with no answer from the nurse yet; None once answered
    unread: int  # the person's messages the nurse has not seen


def _waiting_since(handoff: HandoffView, said: list[HandoffMessage]) -> Optional[dt.datetime]:
    """Their first message after the nurse's last reply; since they asked, until the nurse first replies."""
    replies = [m.id for m in said if m.author == Author.NURSE]
    if not replies:
        return handoff.created_at
    waiting = [m for m in said if m.author == Author.PERSON and m.id > replies[-1]]
    return waiting[0].created_at if waiting else None


class Inbox:
    def __init__(self, service: HandoffService):
        self._service = service

    def mine(self, nurse_id: int) -> list[InboxItem]:
        """The conversations the nurse looks after, oldest claim first, each as her inbox shows it."""
        service = self._service
        views = service.claimed_by_nurse(nurse_id)
        now = service._now()
        with service._sessions() as session:
            read = dict(
                session.execute(
                    select(Handoff.id, Handoff.read_up_to).where(Handoff.id.in_([v.id for v in views]))
                ).all()
            )
            rows = (
                session.execute(
                    select(HandoffMessage)
                    .where(
                        HandoffMessage.handoff_id.in_(read), HandoffMessage.author.in_((Author.PERSON, Author.NURSE))
                    )
                    .order_by(HandoffMessage.id)
                )
                .scalars()
                .all()
            )
        items = []
        for view in views:
            said = [m for m in rows if m.handoff_id == view.id]
            person = [m for m in said if m.author == Author.PERSON]
            since = _waiting_since(view, said)
            seen = read.get(view.id) or 0
            items.append(
                InboxItem(
                    view,
                    person[-1].text if person else None,
                    max((now - since).total_seconds(), 0.0) if since is not None else None,
                    sum(1 for m in person if m.id > seen and not m.context),
                )
            )
        return items

    def mark_read(self, handoff_id: int, nurse_id: int, up_to: Optional[int] = None) -> int:
        """The nurse looking after it has seen the transcript up to message `up_to` (all of it when None).

        Never moves back, and never past the transcript's end. Returns how many messages are still unread.
        """
        service = self._service
        with service._sessions() as session, session.begin():
            handoff = session.get(Handoff, handoff_id)
            if handoff is None:
                raise NotFound(f"no handoff with id {handoff_id}")
            if handoff.state != State.CLAIMED or handoff.claimed_by != nurse_id:
                raise Conflict(f"handoff {handoff_id} is not claimed by you")
            last = session.execute(
                select(func.max(HandoffMessage.id)).where(HandoffMessage.handoff_id == handoff_id)
            ).scalar()
            seen = min(up_to if up_to is not None else last or 0, last or 0)
            if seen > (handoff.read_up_to or 0):
                session.execute(
                    update(Handoff)
                    .where(Handoff.id == handoff_id, Handoff.claimed_by == nurse_id)
                    .values(read_up_to=seen)
                    .execution_options(synchronize_session=False)
                )
            mark = max(seen, handoff.read_up_to or 0)
            return (
                session.execute(
                    select(func.count()).where(
                        HandoffMessage.handoff_id == handoff_id,
                        HandoffMessage.author == Author.PERSON,
                        HandoffMessage.context.is_(False),
                        HandoffMessage.id > mark,
                    )
                ).scalar()
                or 0
            )
