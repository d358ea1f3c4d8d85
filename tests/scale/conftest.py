"""The scale profile for the tests: started once per session on free loopback ports, in a fresh data folder.

The Debian binaries are required: without them the tests are skipped, except under CI=true,
where a missing binary is a broken setup and fails (scripts/install-scale.sh installs them).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from bot.clock import FileClock
from ops.datastores import missing_binaries
from ops.scaled import MODEL, Ports, ScaleStack
from tests.integration.stack import MONDAY_10AM
from tests.unavailable import unavailable


@pytest.fixture(scope="session")
def scale() -> Iterator[ScaleStack]:
    missing = missing_binaries()
    if missing:
        unavailable(f"the scale profile needs Debian's {', '.join(missing)}: run scripts/install-scale.sh")
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does)")
    # Not pytest's tmp_path: its folders are private to this user, and PostgreSQL runs as `postgres`.
    data_dir = Path(tempfile.mkdtemp(prefix="helpline-scale-"))
    data_dir.chmod(0o755)
    clock = data_dir / "clock"
    FileClock.set(clock, MONDAY_10AM)  # opening hours, so nurse handoffs are live chats
    clock.chmod(0o644)
    quiet = {"SQLALCHEMY_SILENCE_UBER_WARNING": "1", "HELPLINE_RATE_LIMITS": "off"}  # many clients from 127.0.0.1
    stack = ScaleStack(data_dir, Ports.free(), clock_file=clock, extra_env=quiet)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        if os.environ.get("HELPLINE_KEEP_SCALE_DATA") != "1":
            shutil.rmtree(data_dir, ignore_errors=True)
