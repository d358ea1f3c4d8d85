"""The servers for the person's-journey tests: Rasa, actions and the nurse console on one database and one clock.

The handoff sweep runs every 0.3 s here, so a test that moves the clock waits for the sweep's change
(polling the database or the console API), never for a fixed time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tarfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest
import requests
from argon2 import PasswordHasher

from bot.clock import FileClock
from bot.config import PROJECT_ROOT
from bot.db import make_engine, make_session_factory
from bot.handoff.nurses import NurseAccounts
from bot.handoff.service import HandoffService
from bot.wording import Wording
from tests.bot.console.conftest import ConsoleServer
from tests.integration.console_fixtures import console_for
from tests.integration.stack import LONDON, MODEL, Stack

# Overrides the model for these tests only (one trained from a newer domain.yml into a temporary folder).
MODEL_VARIABLE = "HELPLINE_TEST_MODEL"
WEDNESDAY_7PM = dt.datetime(2026, 12, 2, 19, 0, tzinfo=LONDON)
THURSDAY_930AM = dt.datetime(2026, 12, 3, 9, 30, tzinfo=LONDON)
MONDAY_10AM = dt.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
PASSWORD = "a long enough password"


def model_has_journey_responses(model: Path) -> bool:
    with tarfile.open(model, "r:gz") as archive:
        for member in archive:
            if member.name.lstrip("/") == "metadata.json":
                handle = archive.extractfile(member)
                domain = json.load(handle)["domain"] if handle else {}
                return "utter_left_message_reply_tomorrow" in domain.get("responses", {})
    return False


@dataclass
class JourneyStack(Stack):
    model: Path = field(default_factory=lambda: Path(os.environ.get(MODEL_VARIABLE) or MODEL))

    @property
    def env(self) -> dict:
        return dict(super().env, HELPLINE_SWEEP_SECONDS="0.3")


@dataclass
class Nurse:
    id: int
    username: str
    name: str
    api: requests.Session


@dataclass
class JourneyServers:
    stack: JourneyStack
    console: ConsoleServer
    handoffs: HandoffService
    accounts: NurseAccounts

    def set_clock(self, moment: dt.datetime) -> None:
        FileClock.set(self.stack.clock_file, moment)

    def say(self, person: str, text: str) -> list[dict]:
        return self.stack.say(person, text)

    def nurse(self, name: str = "Amy Clarke", role: str = "nurse") -> Nurse:
        username = f"{role}-{uuid.uuid4().hex[:8]}"
        view = self.accounts.create(username, name, PASSWORD, role)
        session = requests.Session()
        response = session.post(
            f"{self.console.url}/api/login", json={"username": username, "password": PASSWORD}, timeout=10
        )
        assert response.status_code == 200, response.text
        session.headers["Authorization"] = f"Bearer {response.json()['token']}"
        return Nurse(view.id, username, name, session)

    def api(self, nurse: Nurse, method: str, path: str, **kwargs) -> requests.Response:
        return nurse.api.request(method, f"{self.console.url}{path}", timeout=15, **kwargs)

    def empty_queue(self) -> None:
        """Earlier tests' people leave the queue, so that places are counted from 1."""
        for item in self.handoffs.queue():
            self.handoffs.cancel_by_person(item.handoff.conversation_id)


def texts(replies: list[dict]) -> str:
    return " ".join(r.get("text", "") for r in replies)


def person() -> str:
    return f"p-{uuid.uuid4()}"


@pytest.fixture(scope="module")
def journey_servers(tmp_path_factory) -> Iterator[JourneyServers]:
    stack = JourneyStack(tmp_path_factory.mktemp("journey"))
    if not stack.model.exists():
        pytest.fail(f"{stack.model} is missing: run `make train` (make test does)")
    if not model_has_journey_responses(stack.model):
        pytest.fail(f"{stack.model} predates the journey responses in domain.yml: run `make train`")
    stack.set_clock(MONDAY_10AM)
    subprocess.run([sys.executable, "-m", "bot.content", "import"], cwd=PROJECT_ROOT, env=stack.env, check=True)
    sessions = make_session_factory(make_engine(stack.database_url))
    clock = FileClock(stack.clock_file)
    handoffs = HandoffService(sessions, clock, Wording.from_domain())
    accounts = NurseAccounts(sessions, clock, PasswordHasher(time_cost=1, memory_cost=1024))
    console = None
    try:
        stack.start()
        console = console_for(stack)  # the console reads the same clock
        yield JourneyServers(stack, console, handoffs, accounts)
    finally:
        if console is not None:
            console.stop()
        stack.stop()
