"""The handoff services built together, by the composition root (bot/bootstrap.py) or a test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy.orm import sessionmaker

from bot.clock import Clock
from bot.config import DEFAULT_RETENTION_DAYS, Settings
from bot.content.review import ContentReview
from bot.db import shared_engine
from bot.handoff.nurses import NurseAccounts
from bot.handoff.pause import HandoffPause
from bot.handoff.service import HandoffService
from bot.hours import OpeningHours
from bot.reports.service import Reports
from bot.wording import Wording


@dataclass(frozen=True)
class Handoffs:
    service: HandoffService
    accounts: NurseAccounts
    hours: OpeningHours
    clock: Clock
    content: ContentReview  # for the content lead's page in the console
    pause: HandoffPause
    reports: Optional[Reports] = None  # the admins' reports (bot/reports); None where a test needs none
    retention_days: int = DEFAULT_RETENTION_DAYS  # how far back a person's earlier conversations are kept


def build_handoffs(
    settings: Settings,
    clock: Clock,
    sessions: sessionmaker,
    wording: Wording,
) -> Handoffs:
    hours = OpeningHours.from_file(settings.helpline_config)
    return Handoffs(
        service=HandoffService(sessions, clock, wording),
        accounts=NurseAccounts(sessions, clock),
        hours=hours,
        clock=clock,
        content=ContentReview(sessions),
        pause=HandoffPause(sessions, clock),
        reports=Reports(sessions, lambda: shared_engine(settings.tracker_database_url), lambda: hours.tz, clock),
        retention_days=settings.retention_days,
    )


def get_handoffs() -> Handoffs:
    """The process's handoff services: the composition root's."""
    from bot.bootstrap import root

    return root().handoffs
