"""The `sms` fixture: the SMS channel's pieces over the test's own database."""

from __future__ import annotations

import pytest

from tests.bot.channels.sms.harness import Harness


@pytest.fixture
def sms(session_factory, service, clock):
    return Harness(session_factory, service, clock)
