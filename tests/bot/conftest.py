"""Fixtures for the bot package: a test clock, the handoff service and two nurses."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.handoff.nurses import NurseAccounts
from bot.handoff.service import HandoffService
from bot.wording import Wording
from tests.support.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc))


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
