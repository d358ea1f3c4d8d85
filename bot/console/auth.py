"""Sign-in tokens for the nurse console: JWTs carried in an HttpOnly cookie or a Bearer header."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Deque, Dict, Optional, Tuple

import jwt
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.handoff.nurses import NurseView
from bot.signing_keys import load_or_create_secret as _load_or_create

logger = logging.getLogger(__name__)

COOKIE_NAME = "helpline_console_session"
ISSUER = "helpline-console"
ALGORITHM = "HS256"
SECRET_BYTES = 32


class ApiError(Exception):
    """An error the API reports to the caller as `{"error": message}` with this HTTP status."""

    def __init__(self, status: int, message: str, headers: Optional[Dict[str, str]] = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class Claims:
    nurse_id: int
    role: str
    expires_at: dt.datetime


def load_or_create_secret(path: Path) -> bytes:
    """The console's signing key (see bot.signing_keys)."""
    return _load_or_create(path, "console signing")


class Tokens:
    """Issues and checks session tokens; real time is used so a test clock cannot stretch a session."""

    def __init__(self, secret: bytes, session_hours: float):
        if len(secret) < SECRET_BYTES:
            raise ValueError(f"the console secret must be at least {SECRET_BYTES} bytes")
        if session_hours <= 0:
            raise ValueError("console_session_hours must be more than 0")
        self._secret = secret
        self.lifetime = dt.timedelta(hours=session_hours)

    def issue(self, nurse: NurseView) -> Tuple[str, dt.datetime]:
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        expires = now + self.lifetime
        payload = {"sub": str(nurse.id), "role": nurse.role, "iss": ISSUER, "iat": now, "exp": expires}
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM), expires

    def decode(self, token: str) -> Claims:
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "iss"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise ApiError(401, "Your session has expired. Please sign in again.") from error
        except jwt.InvalidTokenError as error:
            raise ApiError(401, "Your sign-in is not valid. Please sign in again.") from error
        subject = payload.get("sub")
        if not isinstance(subject, str) or not subject.isdigit():
            raise ApiError(401, "Your sign-in is not valid. Please sign in again.")
        expires = dt.datetime.fromtimestamp(payload["exp"], dt.timezone.utc)
        return Claims(int(subject), str(payload.get("role", "")), expires)


def token_from(request: Request) -> Tuple[Optional[str], bool]:
    """The presented token and whether it came from the cookie (which needs the cross-site check)."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise ApiError(401, "The Authorization header must be 'Bearer <token>'.")
        return value.strip(), False
    cookie = request.cookies.get(COOKIE_NAME)
    return (cookie, True) if cookie else (None, False)


def is_https(request: Request) -> bool:
    """Behind a TLS-terminating proxy the scheme arrives in X-Forwarded-Proto; it only decides the Secure flag."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.scheme == "https" or forwarded == "https"


def set_session_cookie(response: HTTPResponse, request: Request, token: str, lifetime: dt.timedelta) -> None:
    response.cookies[COOKIE_NAME] = token
    cookie = response.cookies[COOKIE_NAME]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/"
    cookie["max-age"] = int(lifetime.total_seconds())
    if is_https(request):
        cookie["secure"] = True


def clear_session_cookie(response: HTTPResponse, request: Request) -> None:
    response.cookies[COOKIE_NAME] = ""
    cookie = response.cookies[COOKIE_NAME]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/"
    cookie["max-age"] = 0
    if is_https(request):
        cookie["secure"] = True


class LoginThrottle:
    """Slows password guessing: too many failures from one address for one username in a window -> 429.

    Kept in memory on purpose: it is a per-process brake, not shared state the console relies on.
    """

    def __init__(self, limit: int = 10, window_seconds: float = 900, clock=time.monotonic):
        self.limit = limit
        self.window = window_seconds
        self._clock = clock
        self._failures: Dict[Tuple[str, str], Deque[float]] = {}

    def _recent(self, key: Tuple[str, str]) -> Deque[float]:
        now = self._clock()
        failures = self._failures.get(key, deque())
        while failures and now - failures[0] > self.window:
            failures.popleft()
        if failures:
            self._failures[key] = failures
        else:
            self._failures.pop(key, None)
        return failures

    def check(self, address: str, username: str) -> None:
        failures = self._recent((address, username))
        if len(failures) >= self.limit:
            wait = max(1, int(self.window - (self._clock() - failures[0])) + 1)
            minutes = max(1, round(wait / 60))
            raise ApiError(
                429,
                f"Too many failed sign-ins. Please wait {minutes} minute{'s' if minutes != 1 else ''} and try again.",
                {"Retry-After": str(wait)},
            )

    def failed(self, address: str, username: str) -> None:
        if len(self._failures) > 10_000:
            self._failures.clear()  # bounded memory under a spray of usernames
        self._failures.setdefault((address, username), deque()).append(self._clock())

    def succeeded(self, address: str, username: str) -> None:
        self._failures.pop((address, username), None)


def nurse_json(nurse: NurseView) -> Dict[str, Any]:
    return {"id": nurse.id, "username": nurse.username, "display_name": nurse.display_name, "role": nurse.role}
