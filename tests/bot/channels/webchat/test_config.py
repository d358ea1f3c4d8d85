"""The web chat's settings from credentials.yml, checked when read."""

from __future__ import annotations

import pytest

from bot.channels.webchat.config import WebchatConfig


def test_credentials_are_read_and_checked():
    config = WebchatConfig.from_credentials(
        {"session_hours": 2, "cors_allowed_origins": ["https://www.example.org"], "demo_page": False}
    )
    assert config.session_hours == 2 and not config.demo_page and config.socketio_path == "/socket.io"
    with pytest.raises(ValueError):
        WebchatConfig.from_credentials({"cors_allowed_origins": 3})
