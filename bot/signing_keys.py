"""Signing keys kept in files, shared by the nurse console and the web chat."""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

logger = logging.getLogger(__name__)

SECRET_BYTES = 32


def load_or_create_secret(path: Path, purpose: str = "signing") -> bytes:
    """The key in `path`, created once (32 random bytes, mode 0600) so sessions survive restarts."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it between the check and the open
        else:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(secrets.token_bytes(SECRET_BYTES))
            logger.info("created the %s key in %s", purpose, path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        logger.warning("%s can be read by other users (mode %o): run chmod 600 on it", path, mode)
    secret = path.read_bytes()
    if len(secret) < SECRET_BYTES:
        raise ValueError(f"{path} holds {len(secret)} bytes; the {purpose} key needs at least {SECRET_BYTES}")
    return secret
