"""The handoff services built together, by the composition root (bot/bootstrap.py) or a test."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.content.review import ContentReview
from bot.handoff.nurses import NurseAccounts
from bot.handoff.pause import HandoffPause
from bot.handoff.service import HandoffService
from bot.hours import OpeningHours
from bot.wording import Wording


@dataclass(frozen=True)
class Handoffs:
    service: HandoffService
    accounts: NurseAccounts
    hours: OpeningHours
    clock: Clock
    content: ContentReview  # for the content lead's page in the console
    pause: HandoffPause


def build_handoffs(
    settings: Settings,
    clock: Clock,
    sessions: sessionmaker,
    wording: Wording,
) -> Handoffs:
    return Handoffs(
        service=HandoffService(sessions, clock, wording),
        accounts=NurseAccounts(sessions, clock),
        hours=OpeningHours.from_file(settings.helpline_config),
        clock=clock,
        content=ContentReview(sessions),
        pause=HandoffPause(sessions, clock),
    )


def get_handoffs() -> Handoffs:
    """The process's handoff services: the composition root's."""
    from bot.bootstrap import root

    return root().handoffs
