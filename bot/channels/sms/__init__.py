"""The SMS channel over Twilio: signed webhooks in, every reply out through the outbox.

Twilio posts each text to /webhooks/twilio/webhook. The request is accepted only with a
valid X-Twilio-Signature; the text is stored (encrypted) before Twilio gets its empty
TwiML answer, then handled in the background, one text at a time per number: carrier
keywords (STOP, START, HELP), MORE, option numbers, and otherwise the handoff gate and
Rasa. Replies never go back in the HTTP answer: they are queued in the outbox and an
OutboxPusher sends them through Twilio's REST API, retrying with backoff.

The phone number is only ever in the sms_conversations table (encrypted) and in the
request to Twilio; everywhere else, logs and Rasa's tracker included, the person is the
keyed hash "sms-<hex>".

Modules: channel (the webhook, Rasa's input channel), worker (stored texts in order),
processor (keywords, then the gate), keywords, output (Rasa's replies to the outbox),
sender (the outbox to Twilio), config, state and models (the tables), text (GSM-7 and parts).
"""

from typing import Any

__all__ = ["TwilioSmsInput"]


def __getattr__(name: str) -> Any:
    """credentials.yml's `bot.channels.sms.TwilioSmsInput`, imported when asked for: the tables need no Rasa."""
    if name == "TwilioSmsInput":
        from bot.channels.sms.channel import TwilioSmsInput

        return TwilioSmsInput
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
