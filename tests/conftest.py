"""Shared fixtures: a migrated SQLite database per test, with the real content imported."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.content.importer import import_content
from bot.content.service import ContentService
from bot.db import make_engine, make_session_factory, upgrade
from bot.hours import OpeningHours

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

# The integration fixtures that several test modules share; pytest reads pytest_plugins only in this conftest.
pytest_plugins = [
    "tests.integration.console_fixtures",
    "tests.integration.widget_fixtures",
    "tests.integration.sms_fixtures",
    "tests.integration.journey_fixtures",
]

CONTENT_DIR = PROJECT_ROOT / "data" / "content"
LONDON = dt.timezone(dt.timedelta(0))


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory) -> dict[bool, Path]:
    """A migrated database, and one with the content imported, built once: each test gets a copy.

    Migrating and importing for every test was about half the unit tests' time.
    """
    folder = tmp_path_factory.mktemp("database-templates")
    templates = {False: folder / "migrated.db", True: folder / "imported.db"}
    engine = make_engine(f"sqlite:///{templates[False]}")
    upgrade(engine)
    engine.dispose()
    shutil.copyfile(templates[False], templates[True])
    engine = make_engine(f"sqlite:///{templates[True]}")
    import_content(make_session_factory(engine), CONTENT_DIR)
    engine.dispose()
    return templates


@pytest.fixture
def session_factory(tmp_path: Path, request, database_templates):
    """A migrated database of the test's own; with the content already in it when the test asks for `imported`."""
    path = tmp_path / "helpline.db"
    shutil.copyfile(database_templates["imported" in request.fixturenames], path)
    engine = make_engine(f"sqlite:///{path}")
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def imported(session_factory):
    """The real content, imported into the template this test's database was copied from."""
    return session_factory


@pytest.fixture
def content_service(imported) -> ContentService:
    return ContentService(imported, today=lambda: dt.date(2026, 11, 21), cache_seconds=0)


@pytest.fixture
def hours() -> OpeningHours:
    return OpeningHours.from_file(PROJECT_ROOT / "config" / "helpline.yml")
