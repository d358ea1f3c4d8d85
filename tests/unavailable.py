"""A server or browser a test needs is missing: skipped on a developer's machine, a failure under CI=true."""

from __future__ import annotations

import os

import pytest


def unavailable(reason: str) -> None:
    """In CI a missing binary is a broken setup (`make test` installs them), so the test fails there."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)")
    pytest.skip(reason)
