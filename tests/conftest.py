"""Shared fixtures: a migrated SQLite database per test, with the real content imported."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.content.importer import import_content
from bot.content.service import ContentService
from bot.db import make_engine, make_session_factory, upgrade
from bot.hours import OpeningHours

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

CONTENT_DIR = PROJECT_ROOT / "data" / "content"
LONDON = dt.timezone(dt.timedelta(0))


@pytest.fixture
def session_factory(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'helpline.db'}")
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def imported(session_factory):
    import_content(session_factory, CONTENT_DIR)
    return session_factory


@pytest.fixture
def content_service(imported) -> ContentService:
    return ContentService(imported, today=lambda: dt.date(2026, 11, 21), cache_seconds=0)


@pytest.fixture
def hours() -> OpeningHours:
    return OpeningHours.from_file(PROJECT_ROOT / "config" / "helpline.yml")
