"""The SMS channel's settings: Twilio's account, number and webhook URL, and the key that names conversations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from bot.config import SMS_VARIABLES, Settings


@dataclass(frozen=True)
class SmsConfig:
    account_sid: str
    auth_token: str
    twilio_number: str
    public_url: str  # the webhook URL exactly as configured in Twilio: signatures are computed over it
    conversation_key: str
    api_base_url: Optional[str] = None  # Twilio's API host unless set (tests point it at a stand-in)

    KEYS = SMS_VARIABLES  # key in credentials.yml -> the variable that stands in for it

    @classmethod
    def from_credentials(
        cls, credentials: Optional[Mapping[str, Any]], env: Optional[Mapping[str, str]] = None
    ) -> SmsConfig:
        """credentials.yml values first, then the environment; refuses to start with anything missing."""
        credentials = credentials or {}
        variables = Settings.from_env(env).sms_variables
        values = {key: str(credentials.get(key) or variables.get(key) or "").strip() for key in cls.KEYS}
        missing = [f"{key} ({cls.KEYS[key]})" for key, value in values.items() if not value and key != "api_base_url"]
        if missing:
            raise ValueError(f"the SMS channel needs {', '.join(missing)} in credentials.yml or the environment")
        return cls(
            account_sid=values["account_sid"],
            auth_token=values["auth_token"],
            twilio_number=values["twilio_number"],
            public_url=values["public_url"],
            conversation_key=values["conversation_key"],
            api_base_url=values["api_base_url"] or None,
        )
