"""The `channel` fixture: the web chat channel with its own key file, over the test's handoff service."""

from __future__ import annotations

import pytest

from bot.channels.webchat.channel import SecureSocketIOInput
from bot.channels.webchat.config import WebchatConfig


@pytest.fixture
def channel(service, tmp_path) -> SecureSocketIOInput:
    return SecureSocketIOInput(
        WebchatConfig(secret_file=tmp_path / "webchat_secret", widget_dir=tmp_path / "widget"),
        service_provider=lambda: service,
        push_interval=0.05,
    )
