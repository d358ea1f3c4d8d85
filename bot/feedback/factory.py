"""The process's feedback store, built from Settings on first use (never at import)."""

from __future__ import annotations

import os
from functools import lru_cache

from bot.clock import clock_from_env
from bot.config import Settings
from bot.db import make_session_factory, shared_engine
from bot.feedback.store import FeedbackStore


@lru_cache(maxsize=1)
def get_feedback_store() -> FeedbackStore:
    sessions = make_session_factory(shared_engine(Settings.from_env().database_url))
    return FeedbackStore(sessions, clock_from_env(os.environ))
