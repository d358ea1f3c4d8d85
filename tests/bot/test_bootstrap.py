"""The composition root and the one reader of the environment."""

from __future__ import annotations

import re
import subprocess

from bot.bootstrap import Root
from bot.config import PROJECT_ROOT, SMS_VARIABLES, Settings


def test_the_root_builds_each_service_once_and_shares_the_wording(tmp_path):
    root = Root(Settings.from_env({"HELPLINE_DATA_DIR": str(tmp_path)}), clock=lambda: None)  # type: ignore[arg-type,return-value]
    assert root.handoffs is root.handoffs
    assert root.handoffs.service._wording is root.wording
    assert root.feedback is root.feedback and root.handoffs.service._sessions is root.sessions


def test_the_test_clock_file_comes_from_settings(tmp_path):
    clock = tmp_path / "clock"
    clock.write_text("2031-07-01T10:00:00+00:00", encoding="utf-8")
    root = Root(Settings.from_env({"HELPLINE_CLOCK_FILE": str(clock)}))
    assert root.clock().year == 2031


def test_only_settings_reads_the_environment():
    found = subprocess.run(
        ["git", "grep", "-nE", r"os\.environ(\.get|\[)|getenv\(", "--", "bot", "actions", "ops"],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert found == ""


def test_the_readme_lists_every_variable_settings_reads():
    readers = [PROJECT_ROOT / "bot" / "config.py", PROJECT_ROOT / "bot" / "handoff" / "timing.py"]
    source = "".join(path.read_text(encoding="utf-8") for path in readers)
    names = set(re.findall(r"env(?:\.get\(|, )[\"']([A-Z_]+)[\"']", source)) | set(SMS_VARIABLES.values())
    assert {"TRACKER_DB", "HELPLINE_SWEEP_SECONDS", "HELPLINE_SMS_KEY"} <= names
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert names and not [name for name in sorted(names) if f"`{name}`" not in readme]
