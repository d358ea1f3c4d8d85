"""Alembic migrations build exactly the tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import bot.content.models  # noqa: F401
import bot.handoff.models  # noqa: F401
from bot.db import make_engine, upgrade
from bot.models import Base


def test_migrations_match_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_upgrade_is_repeatable(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    upgrade(engine)


def test_foreign_keys_are_enforced(tmp_path):
    import datetime as dt

    import pytest
    from sqlalchemy.exc import IntegrityError

    from bot.db import make_session_factory
    from bot.handoff.models import HandoffMessage

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    with pytest.raises(IntegrityError):
        with make_session_factory(engine)() as session, session.begin():
            session.add(HandoffMessage(handoff_id=42, author="person", text="x", created_at=dt.datetime.now()))
