"""The website chat widget's channel: Rasa's socket.io protocol, but a conversation is reached only by a signed token.

Rasa's stock socket.io channel trusts the session id the browser sends, so anyone who knows
or guesses an id can read and write that conversation. Here the server makes up every
conversation id and gives the browser a token signed with a key only the server holds
(a JWT, HS256). A socket is bound to the conversation its token names when it asks for a
session, and every later message from that socket goes to that conversation, whatever the
message itself says. A missing, forged, tampered or expired token starts a new, empty
conversation.

Every message passes the handoff gate. Nurse replies and notices are pushed live from the
outbox while the person is connected, and wait there while they are not. The channel also
serves the installed rasa-webchat bundle and a demo page (/webhooks/socketio/demo) from bot/channels/webchat/static,
whose script adds what the widget lacks for accessibility (WCAG 2.1 AA).

Modules: channel (the socket's events, Rasa's input channel), tokens, config, origins (who may
connect), output (what is emitted, and re-sent after a silent death), messages (nurse text as
plain text), pages (the widget and the demo page).
"""

from typing import Any

__all__ = ["SecureSocketIOInput"]


def __getattr__(name: str) -> Any:
    """credentials.yml's `bot.channels.webchat.SecureSocketIOInput`, imported when asked for, not with the package."""
    if name == "SecureSocketIOInput":
        from bot.channels.webchat.channel import SecureSocketIOInput

        return SecureSocketIOInput
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
