"""The process's feedback store: the composition root's (bot/bootstrap.py), built on first use."""

from __future__ import annotations

from bot.feedback.store import FeedbackStore


def get_feedback_store() -> FeedbackStore:
    from bot.bootstrap import root

    return root().feedback
