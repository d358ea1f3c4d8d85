"""Conversation ids the server makes up, and the signed tokens (JWT, HS256) that are the only way back into them."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from pathlib import Path
from typing import Any, Mapping, Optional

import jwt

from bot.channels.common import WEB_PREFIX
from bot.config import Settings
from bot.signing_keys import load_or_create_secret as _load_or_create

AUDIENCE = "helpline-webchat"
ALGORITHM = "HS256"
SECRET_BYTES = 32
DEFAULT_SESSION_HOURS = 720.0  # 30 days: a nurse's reply to a message left on Friday night waits for Monday
CONVERSATION_ID = re.compile(re.escape(WEB_PREFIX) + r"[0-9a-f]{32}")
MAX_TOKEN_CHARS = 2048


def load_or_create_secret(path: Path) -> bytes:
    """The web chat's signing key (see bot.signing_keys)."""
    return _load_or_create(path, "web chat signing")


def default_secret_file(env: Optional[Mapping[str, str]] = None) -> Path:
    return Settings.from_env(env).webchat_secret_file  # type: ignore[return-value]


class ConversationTokens:
    """Issues conversation ids and the signed tokens that are the only way back into them."""

    def __init__(self, secret: bytes, session_hours: float = DEFAULT_SESSION_HOURS):
        if len(secret) < SECRET_BYTES:
            raise ValueError(f"the web chat secret must be at least {SECRET_BYTES} bytes")
        if session_hours <= 0:
            raise ValueError("session_hours must be positive")
        self._secret = secret
        self._lifetime = dt.timedelta(hours=session_hours)

    def new_conversation(self) -> tuple[str, str]:
        """A fresh random conversation id (128 bits) and its token."""
        conversation_id = WEB_PREFIX + secrets.token_hex(16)
        return conversation_id, self.issue(conversation_id)

    def issue(self, conversation_id: str, now: Optional[float] = None) -> str:
        issued = int(time.time() if now is None else now)
        payload = {
            "sub": conversation_id,
            "aud": AUDIENCE,
            "iat": issued,
            "exp": issued + int(self._lifetime.total_seconds()),
        }
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM)

    def verify(self, token: Any) -> Optional[str]:
        """The conversation id the token was issued for, or None for anything the server did not sign or that expired.

        Real time is used, so a test clock cannot stretch a session.
        """
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            return None
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                options={"require": ["sub", "aud", "iat", "exp"]},
            )
        except jwt.PyJWTError:
            return None
        conversation_id = claims.get("sub")
        if not isinstance(conversation_id, str) or not CONVERSATION_ID.fullmatch(conversation_id):
            return None
        return conversation_id
