"""The SMS channel's settings: credentials.yml first, then the environment."""

from __future__ import annotations

import pytest

from bot.channels.sms.channel import SmsConfig
from tests.bot.channels.sms.harness import KEY


def test_config_reads_credentials_then_environment():
    env = {
        "TWILIO_ACCOUNT_SID": "AC-env",
        "TWILIO_AUTH_TOKEN": "token-env",
        "TWILIO_NUMBER": "+441000000000",
        "TWILIO_PUBLIC_URL": "https://example.org/webhooks/twilio/webhook",
        "HELPLINE_SMS_KEY": KEY,
    }
    config = SmsConfig.from_credentials({"account_sid": "AC-file"}, env)
    assert config.account_sid == "AC-file" and config.auth_token == "token-env" and config.api_base_url is None
    assert SmsConfig.from_credentials(None, {**env, "TWILIO_API_BASE_URL": "http://127.0.0.1:1"}).api_base_url


def test_config_names_what_is_missing_without_values():
    with pytest.raises(ValueError) as error:
        SmsConfig.from_credentials({"auth_token": "secret-token"}, {})
    message = str(error.value)
    assert "account_sid (TWILIO_ACCOUNT_SID)" in message and "HELPLINE_SMS_KEY" in message
    assert "secret-token" not in message and "api_base_url" not in message
