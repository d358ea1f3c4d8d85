"""The declarative base shared by every table the project owns (Alembic reads its metadata), and its column types."""

import datetime as dt
import enum
from typing import Any, Optional

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


class StrEnum(str, enum.Enum):
    """Names stored and sent as plain strings: str() gives the value, as Python 3.11's enum.StrEnum does."""

    def __str__(self) -> str:
        return str.__str__(self)


class Author(StrEnum):
    """Who wrote a line of a transcript or an outbox message; also who acted, in the audit trail."""

    PERSON = "person"
    BOT = "bot"
    NURSE = "nurse"
    SYSTEM = "system"


class UtcDateTime(TypeDecorator):
    """A time stored in UTC and read back with its zone: SQLite drops the offset it is given and hands times back naive.

    The same column type as `DateTime(timezone=True)` to the database and its migrations. Every time column uses it:
    SQLite keeps a time's wall clock without its offset, so 10:00+01:00 would be read back as 10:00 UTC, and compared
    as text against times with other offsets. Turning each time into UTC on the way in makes both right; a naive time
    is taken as UTC, as before.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[dt.datetime], dialect: Any) -> Optional[dt.datetime]:
        if value is not None and value.tzinfo is not None:
            return value.astimezone(dt.timezone.utc)
        return value

    def process_result_value(self, value: Optional[dt.datetime], dialect: Any) -> Optional[dt.datetime]:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value
