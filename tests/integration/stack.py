"""The real action server and Rasa server on free ports, on a fresh SQLite data folder.

The clock of both processes is a file the tests write (HELPLINE_CLOCK_FILE), so opening
hours are set by the test, never by waiting.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

from bot.clock import FileClock
from bot.config import PROJECT_ROOT
from ops import processes
from ops.ports import free_port

MODEL = processes.MODEL
LONDON = ZoneInfo("Europe/London")
MONDAY_10AM = dt.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
SATURDAY_2PM = dt.datetime(2026, 11, 21, 14, 0, tzinfo=LONDON)


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
        return processes.sqlite_env(
            self.data_dir,
            self.actions_port,
            self.token,
            self.actions_token,
            HELPLINE_CLOCK_FILE=str(self.clock_file),
            HELPLINE_CONFIG=str(self.hours_file),
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
        self.processes["actions"] = processes.spawn(processes.actions_command(self.actions_port), env, logs["actions"])
        rasa = processes.rasa_command(self.rasa_port, self.model, "endpoints.yml", self.credentials, *self.rasa_args)
        self.processes["rasa"] = processes.spawn(rasa, env, logs["rasa"])
        ready = processes.wait_until_ready
        ready(f"http://127.0.0.1:{self.actions_port}/health", self.processes["actions"], logs["actions"], timeout=180)
        ready(f"{self.url}/status?token={self.token}", self.processes["rasa"], logs["rasa"], timeout=180)

    def stop(self) -> None:
        for name in ("rasa", "actions"):
            processes.stop(self.processes.pop(name, None))

    def restart(self) -> None:
        self.stop()
        self.start()

    def say(self, sender: str, text: str) -> list[dict]:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30
        )
        response.raise_for_status()
        return response.json()
