"""Builds the services the actions use, once per action-server process, from Settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from bot.config import Settings
from bot.content.service import ContentService
from bot.db import make_engine, make_session_factory
from bot.hours import OpeningHours


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Services:
    content: ContentService
    hours: OpeningHours
    now: Callable[[], dt.datetime] = utc_now


def build_services(settings: Settings) -> Services:
    engine = make_engine(settings.database_url)
    content = ContentService(
        make_session_factory(engine),
        withhold_overdue=settings.withhold_overdue_content,
        cache_seconds=settings.content_cache_seconds,
    )
    return Services(content=content, hours=OpeningHours.from_file(settings.helpline_config))


@lru_cache(maxsize=1)
def get_services() -> Services:
    """The process's services, built on first use (never at import)."""
    return build_services(Settings.from_env())
