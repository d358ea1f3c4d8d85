"""Settings read from the environment, so every process is configured the same way."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_RETENTION_DAYS = 90  # HELPLINE_RETENTION_DAYS: conversations older than this are deleted (bot/retention.py)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


@dataclass(frozen=True)
class Settings:
    """Where the data lives and how the assistant behaves; see README "Configuration"."""

    data_dir: Path
    database_url: str
    content_dir: Path
    helpline_config: Path
    withhold_overdue_content: bool
    content_cache_seconds: float
    console_port: int
    console_secret_file: Path
    console_session_hours: float
    rasa_url: str
    tracker_database_url: str
    retention_days: int
    # Proxies whose X-Forwarded-For is believed (IPs or networks); see bot/client_address.py.
    trusted_proxies: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("HELPLINE_DATA_DIR", str(PROJECT_ROOT / "var")))
        database_url = env.get("HELPLINE_DATABASE_URL") or f"sqlite:///{data_dir / 'helpline.db'}"
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            content_dir=Path(env.get("HELPLINE_CONTENT_DIR", str(PROJECT_ROOT / "data" / "content"))),
            helpline_config=Path(env.get("HELPLINE_CONFIG", str(PROJECT_ROOT / "config" / "helpline.yml"))),
            withhold_overdue_content=_flag(env, "HELPLINE_WITHHOLD_OVERDUE_CONTENT", False),
            content_cache_seconds=float(env.get("HELPLINE_CONTENT_CACHE_SECONDS", "30")),
            console_port=int(env.get("HELPLINE_CONSOLE_PORT", "5006")),
            console_secret_file=Path(env.get("HELPLINE_CONSOLE_SECRET_FILE", str(data_dir / "console_secret"))),
            console_session_hours=float(env.get("HELPLINE_CONSOLE_SESSION_HOURS", "8")),
            rasa_url=env.get("HELPLINE_RASA_URL", "http://localhost:5005"),
            tracker_database_url=env.get("HELPLINE_TRACKER_DATABASE_URL")
            or f"sqlite:///{env.get('TRACKER_DB') or data_dir / 'tracker.db'}",
            retention_days=int(env.get("HELPLINE_RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS))),
            trusted_proxies=tuple(p.strip() for p in env.get("HELPLINE_TRUSTED_PROXIES", "").split(",") if p.strip()),
        )
