"""Starts the real action server and Rasa server on free ports, on a fresh SQLite data folder.

The clock of both processes is a file the tests write (HELPLINE_CLOCK_FILE), so opening
hours are set by the test, never by waiting.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo

import pytest
import requests

from bot.clock import FileClock
from bot.config import PROJECT_ROOT
from ops.ports import free_port

MODEL = PROJECT_ROOT / "models" / "helpline.tar.gz"
BIN = Path(sys.executable).parent
LONDON = ZoneInfo("Europe/London")
MONDAY_10AM = dt.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
SATURDAY_2PM = dt.datetime(2026, 11, 21, 14, 0, tzinfo=LONDON)


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 180, **kwargs) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2, **kwargs).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} not ready after {timeout}s:\n{log.read_text()[-4000:]}")


def stop(process: Optional[subprocess.Popen]) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Stack:
    """The action server and the Rasa server, as `make run` starts them."""

    data_dir: Path
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    actions_token: str = field(default_factory=lambda: secrets.token_hex(32))
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    processes: dict = field(default_factory=dict)
    model: Path = MODEL
    rasa_args: tuple = ()  # extra `rasa run` arguments, e.g. ("--cors", "*")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def clock_file(self) -> Path:
        return self.data_dir / "clock"

    @property
    def hours_file(self) -> Path:
        """The stack's own copy of config/helpline.yml, which a test may edit while the servers run."""
        return self.data_dir / "helpline.yml"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'helpline.db'}"

    @property
    def env(self) -> dict:
        return dict(
            os.environ,
            PYTHONPATH=str(PROJECT_ROOT),
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            HELPLINE_DATA_DIR=str(self.data_dir),
            HELPLINE_DATABASE_URL=self.database_url,
            HELPLINE_CLOCK_FILE=str(self.clock_file),
            HELPLINE_CONFIG=str(self.hours_file),
            ACTION_ENDPOINT_URL=f"http://127.0.0.1:{self.actions_port}/webhook",
            TRACKER_DB_DIALECT="sqlite",
            TRACKER_DB=str(self.data_dir / "tracker.db"),
            RASA_AUTH_TOKEN=self.token,
            HELPLINE_ACTIONS_TOKEN=self.actions_token,
            HELPLINE_RATE_LIMITS="off",  # the suite sends many conversations from 127.0.0.1; tests/bot checks them
        )

    def set_clock(self, moment: dt.datetime) -> None:
        FileClock.set(self.clock_file, moment)

    @property
    def credentials(self) -> Path:
        """The channels to enable; subclasses point this at a file of their own."""
        return PROJECT_ROOT / "credentials.yml"

    def before_start(self) -> None:
        """A hook for subclasses, e.g. to write their credentials file."""

    def start(self) -> None:
        if not self.hours_file.exists():
            shutil.copyfile(PROJECT_ROOT / "config" / "helpline.yml", self.hours_file)
        self.before_start()
        env = self.env
        logs = {name: self.data_dir / f"{name}.log" for name in ("actions", "rasa")}
        self.processes["actions"] = subprocess.Popen(
            [str(BIN / "python"), "-m", "bot.action_server", "--port", str(self.actions_port)],
            cwd=PROJECT_ROOT, env=env, stdout=logs["actions"].open("a"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.processes["rasa"] = subprocess.Popen(
            [
                str(BIN / "python"), "-m", "bot.rasa_server",  # the API token comes from the environment
                "--port", str(self.rasa_port), "--model", str(self.model),
                "--endpoints", "endpoints.yml", "--credentials", str(self.credentials), *self.rasa_args,
            ],
            cwd=PROJECT_ROOT, env=env, stdout=logs["rasa"].open("a"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(f"http://127.0.0.1:{self.actions_port}/health", self.processes["actions"], logs["actions"])
        wait_for(f"{self.url}/status", self.processes["rasa"], logs["rasa"], params={"token": self.token})

    def stop(self) -> None:
        for name in ("rasa", "actions"):
            stop(self.processes.pop(name, None))

    def restart(self) -> None:
        self.stop()
        self.start()

    def say(self, sender: str, text: str) -> list[dict]:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30
        )
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def service(tmp_path_factory):
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
def clock(service):
    """Sets the servers' clock for one test, and puts it back to Monday 10am afterwards."""
    yield service.set_clock
    service.set_clock(MONDAY_10AM)
