"""When the database is down, the person is asked to try again, and Rasa never carries on with an empty conversation.

Rasa wraps every tracker store in its FailSafeTrackerStore, which catches any `Exception`:
a failed read silently becomes a brand-new conversation and a failed write silently goes to
memory. A channel that can tell the person instead opts in with `answering_for_outages()`;
inside it the tracker store raises `DatabaseUnavailable`, which derives from BaseException
precisely so that catch-all lets it through to the channel.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from typing import Awaitable, Callable, Iterator, TypeVar

from rasa.core.lock_store import LockError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

logger = logging.getLogger(__name__)

T = TypeVar("T")

_answering: contextvars.ContextVar[bool] = contextvars.ContextVar("helpline_answering_for_outages", default=False)


class DatabaseUnavailable(BaseException):
    """The tracker store could not reach its database; nothing of this turn was stored."""


def is_outage(error: BaseException) -> bool:
    """Whether the error means the turn could not run (rather than a bug or a bad query).

    That is: the database cannot be reached, or the conversation's lock could not be had
    (the lock store is down, or an earlier message held the lock past its lifetime).
    """
    if isinstance(error, (DatabaseUnavailable, LockError)):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (OperationalError, InterfaceError))


@contextlib.contextmanager
def answering_for_outages() -> Iterator[None]:
    """Marks the current task as one whose channel will answer a `DatabaseUnavailable`."""
    token = _answering.set(True)
    try:
        yield
    finally:
        _answering.reset(token)


async def answering_or_asking_again(
    handle: Callable[[], Awaitable[None]], ask_again: Callable[[], Awaitable[None]], channel: str
) -> bool:
    """Runs a channel's handling of one message; on an outage, logs it and asks the person to try again.

    Returns False when the person was asked again instead of answered.
    """
    try:
        with answering_for_outages():
            await handle()
        return True
    except BaseException as error:
        if not is_outage(error):
            raise
        logger.error("%s: the turn could not run; asked the person to try again (%s)", channel, type(error).__name__)
        await ask_again()
        return False


async def through_outage(call: Callable[[], Awaitable[T]]) -> T:
    """Runs a tracker-store call: retried once on a connection that died with a database restart.

    Rasa's engine has no pre-ping, so the first use of a pooled connection after a restart
    fails; SQLAlchemy then drops the whole pool and the retry gets a fresh connection.
    """
    try:
        return await call()
    except DBAPIError as error:
        if not error.connection_invalidated:
            _raise_for_channel(error)
            raise
        logger.warning("tracker store: a connection from before a database restart; trying once more")
    try:
        return await call()
    except DBAPIError as error:
        _raise_for_channel(error)
        raise


def _raise_for_channel(error: DBAPIError) -> None:
    if _answering.get() and is_outage(error):
        raise DatabaseUnavailable(f"tracker store database unavailable: {type(error.orig).__name__}") from error
