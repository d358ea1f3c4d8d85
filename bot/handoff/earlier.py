"""The person's earlier conversations with the helpline, with how each ended, for the nurse reading this one.

They are matched on the conversation id alone: for the web chat, the browser's signed session; for SMS, the keyed
hash of the number (bot/channels/sms/state.py), so the number itself is never read or shown; for REST, the sender.
Only conversations that have ended within the retention period are shown, as retention deletes the rest.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.handoff.history import ENDED_STATES
from bot.handoff.models import Handoff, Nurse
from bot.handoff.service import HandoffService, HandoffView, NotFound
from bot.handoff.views import view

MOST_EARLIER = 10  # the latest ten: enough to see a pattern, short enough to read beside a live chat


def earlier_conversations(
    service: HandoffService, handoff_id: int, retention: dt.timedelta, most: int = MOST_EARLIER
) -> list[HandoffView]:
    """Ended conversations of the same person that began before this one, the latest to end first."""
    since = service._now() - retention
    with service._sessions() as session:
        handoff = session.get(Handoff, handoff_id)
        if handoff is None:
            raise NotFound(f"no handoff with id {handoff_id}")
        rows = session.execute(
            select(Handoff, Nurse.display_name)
            .outerjoin(Nurse, Nurse.id == Handoff.claimed_by)
            .where(
                Handoff.conversation_id == handoff.conversation_id,
                Handoff.id < handoff_id,
                Handoff.state.in_(ENDED_STATES),
                Handoff.ended_at >= since,
            )
            .order_by(Handoff.ended_at.desc(), Handoff.id.desc())
            .limit(most)
        ).all()
        return [view(row, name) for row, name in rows]
