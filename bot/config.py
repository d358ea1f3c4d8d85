"""Settings read from the environment, so every process is configured the same way.

This is the one place that reads environment variables; README "Configuration" lists them all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from bot.handoff.timing import JourneyTimes

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


def _switch(env: Mapping[str, str], name: str) -> bool:
    """An on/off variable, on unless set to off."""
    value = env.get(name, "on").strip().lower()
    if value not in ("on", "off"):
        raise ValueError(f"{name} must be on or off, not {value!r}")
    return value == "on"


def _path(env: Mapping[str, str], name: str) -> Optional[Path]:
    value = env.get(name)
    return Path(value) if value else None


# The SMS line's variables, each under the credentials.yml key it stands in for (bot/channels/sms/config.py).
SMS_VARIABLES = {
    "account_sid": "TWILIO_ACCOUNT_SID",
    "auth_token": "TWILIO_AUTH_TOKEN",
    "twilio_number": "TWILIO_NUMBER",
    "public_url": "TWILIO_PUBLIC_URL",
    "api_base_url": "TWILIO_API_BASE_URL",
    "conversation_key": "HELPLINE_SMS_KEY",
}


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
    tracker_database_url: str
    retention_days: int
    # Proxies whose X-Forwarded-For is believed (IPs or networks); see bot/client_address.py.
    trusted_proxies: tuple[str, ...] = ()
    clock_file: Optional[Path] = None  # tests only: the time every process uses (bot/clock.py)
    webchat_secret_file: Optional[Path] = None
    rate_limits: bool = True
    journey_times: JourneyTimes = JourneyTimes()
    rasa_tuning: bool = True  # bot/rasa_runtime/tuning.py
    rasa_auth_token: str = field(default="", repr=False)
    rasa_token_file: Optional[Path] = None
    actions_token: str = field(default="", repr=False)
    actions_host: str = "127.0.0.1"
    actions_port: int = 5055
    rasa_port: int = 5005  # `make run`'s Rasa server (ops/processes.py)
    nurse_password: Optional[str] = field(default=None, repr=False)  # `python -m bot.console` without a terminal
    sms_variables: Mapping[str, str] = field(default_factory=dict, repr=False)  # key -> value, as SMS_VARIABLES

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
            tracker_database_url=env.get("HELPLINE_TRACKER_DATABASE_URL")
            or f"sqlite:///{env.get('TRACKER_DB') or data_dir / 'tracker.db'}",
            retention_days=int(env.get("HELPLINE_RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS))),
            trusted_proxies=tuple(p.strip() for p in env.get("HELPLINE_TRUSTED_PROXIES", "").split(",") if p.strip()),
            clock_file=_path(env, "HELPLINE_CLOCK_FILE"),
            webchat_secret_file=_path(env, "HELPLINE_WEBCHAT_SECRET_FILE") or data_dir / "webchat_secret",
            rate_limits=_switch(env, "HELPLINE_RATE_LIMITS"),
            journey_times=JourneyTimes.from_variables(env),
            rasa_tuning=env.get("HELPLINE_RASA_TUNING", "on").strip().lower() != "off",
            rasa_auth_token=(env.get("RASA_AUTH_TOKEN") or "").strip(),
            rasa_token_file=_path(env, "HELPLINE_RASA_TOKEN_FILE"),
            actions_token=(env.get("HELPLINE_ACTIONS_TOKEN") or "").strip(),
            actions_host=env.get("HELPLINE_ACTIONS_HOST") or "127.0.0.1",
            actions_port=int(env.get("ACTIONS_PORT") or 5055),
            rasa_port=int(env.get("RASA_PORT") or 5005),
            nurse_password=env.get("HELPLINE_NURSE_PASSWORD"),
            sms_variables={key: env[name] for key, name in SMS_VARIABLES.items() if env.get(name)},
        )
