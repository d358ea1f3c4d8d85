"""Engine and session factories, and Alembic migrations for the project's own tables."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine, make_url
from sqlalchemy.orm import sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Builds an engine; SQLite gets foreign keys on and its folder created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


@cache
def shared_engine(url: str) -> Engine:
    """One engine (and connection pool) per database per process, built on first use."""
    return make_engine(url)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


def _migrate(engine: Engine, step: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, step)(config, revision)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Applies the project's Alembic migrations on this engine's database."""
    _migrate(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Takes this engine's database back to `revision` (the migrations' tests check each way keeps the data)."""
    _migrate(engine, "downgrade", revision)


def main() -> int:
    """`python -m bot.db upgrade`: applies the migrations to HELPLINE_DATABASE_URL."""
    import sys

    from bot.config import Settings

    if sys.argv[1:] != ["upgrade"]:
        print("usage: python -m bot.db upgrade", file=sys.stderr)
        return 2
    url = Settings.from_env().database_url
    upgrade(make_engine(url))
    print(f"Database is at the latest migration: {make_url(url).render_as_string(hide_password=True)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
