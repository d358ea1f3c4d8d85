"""Urgent chats left unclaimed are alerted again: each time one has waited `urgent_realert` (HELPLINE_URGENT_REALERT_
MINUTES) since it arrived or was last alerted, an `urgent_unclaimed` event reaches every console, and every available
nurse sees and hears it. Run by the handoff sweep (bot/handoff/sweeper.py) on the handoff service's clock.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, or_, select, update

from bot.handoff.models import Handoff, Kind, Priority, State
from bot.handoff.service import HandoffService
from bot.models import Author


def _due(cutoff: dt.datetime):
    """Waiting, urgent and live, unalerted since it arrived, or since it was last alerted, until `cutoff`."""
    return and_(
        Handoff.state == State.WAITING,
        Handoff.kind == Kind.LIVE,
        Handoff.priority == Priority.URGENT,
        or_(
            and_(Handoff.urgent_alerted_at.is_(None), Handoff.created_at <= cutoff),
            Handoff.urgent_alerted_at <= cutoff,
        ),
    )


def realert_unclaimed(service: HandoffService, every: dt.timedelta) -> int:
    """Alerts again each urgent chat still unclaimed `every` after its last alert; returns how many. 0 turns it off."""
    if every <= dt.timedelta(0):
        return 0
    now = service._now()
    cutoff = now - every
    with service._sessions() as session:
        due = session.execute(select(Handoff.id, Handoff.created_at).where(_due(cutoff))).all()
    alerted = 0
    for handoff_id, created_at in due:
        with service._sessions() as session, session.begin():
            changed = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, _due(cutoff))  # guarded: with several processes, one alerts
                .values(urgent_alerted_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if changed == 1:
                waited = (now - created_at).total_seconds()
                service._event(session, "urgent_unclaimed", Author.SYSTEM, handoff_id, waited_seconds=round(waited))
                alerted += 1
    return alerted
