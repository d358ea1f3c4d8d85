"""Sign-in tokens for the nurse console: JWTs carried in an HttpOnly cookie or a Bearer header."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

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
    version: int = 0  # the account's token version when it was issued; a newer one ends this session


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
        payload = {
            "sub": str(nurse.id),
            "role": nurse.role,
            "ver": nurse.token_version,
            "iss": ISSUER,
            "iat": now,
            "exp": expires,
        }
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
        subject, version = payload.get("sub"), payload.get("ver")
        if not isinstance(subject, str) or not subject.isdigit():
            raise ApiError(401, "Your sign-in is not valid. Please sign in again.")
        if type(version) is not int:
            version = -1  # issued before token versions: no account has this one, so the session has ended
        expires = dt.datetime.fromtimestamp(payload["exp"], dt.timezone.utc)
        return Claims(int(subject), str(payload.get("role", "")), expires, version)


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


def nurse_json(nurse: NurseView) -> Dict[str, Any]:
    return {
        "id": nurse.id,
        "username": nurse.username,
        "display_name": nurse.display_name,
        "role": nurse.role,
        "availability": nurse.availability,
    }
