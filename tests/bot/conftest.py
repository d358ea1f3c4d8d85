"""Fixtures for the bot package: a test clock, the handoff service and two nurses."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.handoff.nurses import NurseAccounts
from bot.handoff.service import HandoffService
from bot.wording import Wording


class Clock:
    def __init__(self):
        self.now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += dt.timedelta(**kwargs)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def service(session_factory, clock):
    return HandoffService(session_factory, clock, Wording.from_domain())


@pytest.fixture
def accounts(session_factory, clock):
    from argon2 import PasswordHasher

    return NurseAccounts(session_factory, clock, PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def nurses(accounts):
    return [accounts.create(f"nurse{i}", f"Nurse {i}", "correct horse battery") for i in (1, 2)]
