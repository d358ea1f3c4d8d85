"""A nurse's availability, set by the nurse in the console: available nurses are alerted when someone urgent
arrives (and again while an urgent chat is left unclaimed, bot/handoff/urgent_alerts.py); away nurses are not.

The choice is stored on the account, so it holds on every computer and after signing in again. Each change
is an `availability` event, so colleagues' consoles show it at once and the audit trail keeps it.
"""

from __future__ import annotations

from sqlalchemy import update

from bot.handoff.models import Availability, Nurse
from bot.handoff.service import HandoffError, HandoffService, NotFound
from bot.models import Author


class NurseAvailability:
    """Sets a nurse's own choice, with its audit event."""

    def __init__(self, service: HandoffService):
        self._service = service

    def set(self, nurse_id: int, availability: str) -> str:
        if availability not in tuple(Availability):
            raise HandoffError(f"availability must be one of {', '.join(Availability)}")
        service = self._service
        with service._sessions() as session, session.begin():
            changed = session.execute(
                update(Nurse)
                .where(Nurse.id == nurse_id, Nurse.availability != availability)
                .values(availability=availability)
                .execution_options(synchronize_session=False)
            ).rowcount
            if changed:
                service._event(
                    session, "availability", Author.NURSE, None, nurse_id, nurse=nurse_id, availability=availability
                )
            elif session.get(Nurse, nurse_id) is None:
                raise NotFound(f"no nurse with id {nurse_id}")
        return availability
