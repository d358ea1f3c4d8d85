"""Builds the handoff services from Settings, once per process (never at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from bot.clock import Clock, clock_from_env
from bot.config import DEFAULT_RETENTION_DAYS, Settings
from bot.content.review import ContentReview
from bot.db import make_session_factory, shared_engine
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


def build_handoffs(settings: Settings, clock: Clock) -> Handoffs:
    sessions = make_session_factory(shared_engine(settings.database_url))
    hours = OpeningHours.from_file(settings.helpline_config)
    return Handoffs(
        service=HandoffService(sessions, clock, Wording.from_domain()),
        accounts=NurseAccounts(sessions, clock),
        hours=hours,
        clock=clock,
        content=ContentReview(sessions),
        pause=HandoffPause(sessions, clock),
        reports=Reports(sessions, lambda: shared_engine(settings.tracker_database_url), lambda: hours.tz, clock),
        retention_days=settings.retention_days,
    )


@lru_cache(maxsize=1)
def get_handoffs() -> Handoffs:
    return build_handoffs(Settings.from_env(), clock_from_env(os.environ))
