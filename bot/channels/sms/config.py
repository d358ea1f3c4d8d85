"""The SMS channel's settings: Twilio's account, number and webhook URL, and the key that names conversations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional


@dataclass(frozen=True)
class SmsConfig:
    account_sid: str
    auth_token: str
    twilio_number: str
    public_url: str  # the webhook URL exactly as configured in Twilio: signatures are computed over it
    conversation_key: str
    api_base_url: Optional[str] = None  # Twilio's API host unless set (tests point it at a stand-in)

    KEYS = {
        "account_sid": "TWILIO_ACCOUNT_SID",
        "auth_token": "TWILIO_AUTH_TOKEN",
        "twilio_number": "TWILIO_NUMBER",
        "public_url": "TWILIO_PUBLIC_URL",
        "api_base_url": "TWILIO_API_BASE_URL",
        "conversation_key": "HELPLINE_SMS_KEY",
    }

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]], env: Mapping[str, str]) -> SmsConfig:
        """credentials.yml values first, then the environment; refuses to start with anything missing."""
        credentials = credentials or {}
        values = {
            key: str(credentials.get(key) or env.get(variable) or "").strip() for key, variable in cls.KEYS.items()
        }
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
