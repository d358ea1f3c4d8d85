"""The composition root: every service of a process, built from `Settings` once, on first use (never at import).

The action server (actions/services.py), the channels (`default_handoff_service` in
bot/channels/common.py, their stores), the console and the command lines take their services from
`root()`. The domain's wording is loaded here and nowhere else; tests build a `Root` of their own.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Optional

from bot.clock import Clock, clock_for
from bot.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker

    from bot.feedback.store import FeedbackStore
    from bot.handoff.factory import Handoffs
    from bot.wording import Wording


class Root:
    """Built lazily, each part once: a channel that needs only the wording opens no database."""

    def __init__(self, settings: Settings, clock: Optional[Clock] = None):
        self.settings = settings
        self.clock: Clock = clock or clock_for(settings.clock_file)

    @cached_property
    def wording(self) -> Wording:
        from bot.wording import Wording

        return Wording.from_domain()

    @cached_property
    def sessions(self) -> sessionmaker:
        from bot.db import make_session_factory, shared_engine

        return make_session_factory(shared_engine(self.settings.database_url))

    @cached_property
    def handoffs(self) -> Handoffs:
        from bot.handoff.factory import build_handoffs

        return build_handoffs(self.settings, self.clock, self.sessions, self.wording)

    @cached_property
    def feedback(self) -> FeedbackStore:
        from bot.feedback.store import FeedbackStore

        return FeedbackStore(self.sessions, self.clock)


@lru_cache(maxsize=1)
def root() -> Root:
    """The process's composition root, from the environment as `Settings` reads it."""
    return Root(Settings.from_env())
