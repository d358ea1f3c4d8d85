"""The services the actions use, taken from the composition root (bot/bootstrap.py) once per process."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from bot import bootstrap
from bot.bootstrap import Root
from bot.clock import Clock
from bot.config import Settings
from bot.content.questions import QuestionReader
from bot.content.schema import TOPICS
from bot.content.service import ContentService
from bot.db import shared_engine
from bot.handoff.pause import HandoffPause
from bot.handoff.service import HandoffService
from bot.hours import OpeningHours
from bot.rasa_runtime.transcripts import TranscriptStore
from bot.wording import Wording


@dataclass(frozen=True)
class Services:
    content: ContentService
    hours: OpeningHours
    handoff: HandoffService
    now: Clock
    transcripts: TranscriptStore
    questions: QuestionReader
    wording: Wording
    pause: HandoffPause

    def accepts_handoffs(self, at: dt.datetime) -> bool:
        """Open, not within the cut-off before closing, and new chats not paused by an admin."""
        return self.hours.accepts_handoffs(at) and self.pause.current() is None


def build_services(settings: Settings, clock: Clock) -> Services:
    return services_from(Root(settings, clock))


def services_from(root: Root) -> Services:
    settings, clock = root.settings, root.clock
    content = ContentService(
        root.sessions,
        withhold_overdue=settings.withhold_overdue_content,
        cache_seconds=settings.content_cache_seconds,
        today=lambda: clock().date(),
    )
    handoffs = root.handoffs
    transcripts = TranscriptStore(shared_engine(settings.tracker_database_url))
    return Services(
        content=content,
        hours=handoffs.hours,
        handoff=handoffs.service,
        now=clock,
        transcripts=transcripts,
        questions=QuestionReader.from_data(TOPICS),
        wording=root.wording,
        pause=handoffs.pause,
    )


@lru_cache(maxsize=1)
def get_services() -> Services:
    """The process's services, built on first use (never at import)."""
    return services_from(bootstrap.root())
