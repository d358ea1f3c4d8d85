"""The stack most integration tests share, started once per session (tests/integration/stack.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT
from tests.integration.stack import MODEL, MONDAY_10AM, Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does)")
    stack = Stack(tmp_path_factory.mktemp("var"))
    stack.set_clock(MONDAY_10AM)
    subprocess.run([sys.executable, "-m", "bot.content", "import"], cwd=PROJECT_ROOT, env=stack.env, check=True)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def set_clock(stack):
    """Sets the servers' clock for one test, and puts it back to Monday 10am afterwards."""
    yield stack.set_clock
    stack.set_clock(MONDAY_10AM)
