"""Alembic environment: runs on the connection that bot.db.upgrade hands over, or on HELPLINE_DATABASE_URL."""

from alembic import context

import bot.channels.sms.models  # noqa: F401
import bot.content.models  # noqa: F401  (registers the tables on Base.metadata)
import bot.feedback.models  # noqa: F401
import bot.handoff.models  # noqa: F401
import bot.retention_models  # noqa: F401
from bot.config import Settings
from bot.db import make_engine
from bot.models import Base

target_metadata = Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(Settings.from_env().database_url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
