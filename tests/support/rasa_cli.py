"""`rasa data validate` on the project's data, and any extra files, as `make validate` runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT

PROJECT_DATA = ("data/nlu", "data/stories", "data/rules")


def validate_data(*extra: Path) -> tuple[int, str]:
    """(return code, stdout and stderr together)."""
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--data", *PROJECT_DATA, *(str(path) for path in extra)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.returncode, result.stdout + result.stderr
