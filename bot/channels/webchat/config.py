"""The web chat's settings from credentials.yml, and where socket.io keeps its rooms."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

from bot.channels.webchat.origins import cors_setting
from bot.channels.webchat.tokens import DEFAULT_SESSION_HOURS
from bot.config import PROJECT_ROOT

logger = logging.getLogger(__name__)

WIDGET_DIR = PROJECT_ROOT / "node_modules" / "rasa-webchat"
KNOWN_SETTINGS = frozenset(
    {
        "user_message_evt",
        "bot_message_evt",
        "namespace",
        "socketio_path",
        "secret_file",
        "session_hours",
        "cors_allowed_origins",
        "client_manager",
        "demo_page",
        "widget_dir",
        "ping_interval",
        "ping_timeout",
    }
)


def make_client_manager(spec: Optional[str]) -> Any:
    """Where socket.io keeps rooms: this process (default), or Redis so several replicas share them."""
    if spec is None or spec == "memory":
        return None
    if spec.startswith(("redis://", "rediss://", "redis+sentinel://")):
        from socketio import AsyncRedisManager

        return AsyncRedisManager(spec, channel="helpline-webchat")
    raise ValueError('client_manager must be "memory" or a redis:// URL')


@dataclass
class WebchatConfig:
    user_message_evt: str = "user_uttered"
    bot_message_evt: str = "bot_uttered"
    namespace: str = "/"
    socketio_path: str = "/socket.io"
    secret_file: Optional[Path] = None
    session_hours: float = DEFAULT_SESSION_HOURS
    cors_allowed_origins: Any = None
    client_manager: Optional[str] = None
    demo_page: bool = True
    widget_dir: Path = field(default_factory=lambda: WIDGET_DIR)
    ping_interval: float = 15.0
    ping_timeout: float = 10.0

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> WebchatConfig:
        credentials = dict(credentials or {})
        unknown = sorted(set(credentials) - KNOWN_SETTINGS)
        if unknown:
            logger.warning("web chat: ignoring unknown settings %s", ", ".join(unknown))
        config = cls()
        for name in ("user_message_evt", "bot_message_evt", "namespace", "socketio_path", "client_manager"):
            if credentials.get(name) is not None:
                setattr(config, name, str(credentials[name]))
        if credentials.get("secret_file"):
            config.secret_file = Path(credentials["secret_file"])
        for name in ("session_hours", "ping_interval", "ping_timeout"):
            if credentials.get(name) is not None:
                setattr(config, name, float(credentials[name]))
        if credentials.get("widget_dir"):
            config.widget_dir = Path(credentials["widget_dir"])
        if "demo_page" in credentials:
            config.demo_page = bool(credentials["demo_page"])
        config.cors_allowed_origins = credentials.get("cors_allowed_origins")
        cors_setting(config.cors_allowed_origins)
        return config
