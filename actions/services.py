"""Builds the services the actions use, once per action-server process, from Settings."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import lru_cache

from bot.clock import Clock, clock_from_env
from bot.config import Settings
from bot.content.questions import QuestionReader
from bot.content.schema import TOPICS
from bot.content.service import ContentService
from bot.db import make_session_factory, shared_engine
from bot.handoff.factory import build_handoffs
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
    content = ContentService(
        make_session_factory(shared_engine(settings.database_url)),
        withhold_overdue=settings.withhold_overdue_content,
        cache_seconds=settings.content_cache_seconds,
        today=lambda: clock().date(),
    )
    handoffs = build_handoffs(settings, clock)
    transcripts = TranscriptStore(shared_engine(settings.tracker_database_url))
    return Services(
        content=content,
        hours=handoffs.hours,
        handoff=handoffs.service,
        now=clock,
        transcripts=transcripts,
        questions=QuestionReader.from_data(TOPICS),
        wording=Wording.from_domain(),
        pause=handoffs.pause,
    )


@lru_cache(maxsize=1)
def get_services() -> Services:
    """The process's services, built on first use (never at import)."""
    return build_services(Settings.from_env(), clock_from_env(os.environ))
