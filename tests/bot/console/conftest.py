"""A real console server (`python -m bot.console serve`) in a subprocess, on a fresh SQLite folder."""

from __future__ import annotations

import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

import pytest
import requests
from sqlalchemy.orm import sessionmaker

from bot.clock import system_clock
from bot.config import PROJECT_ROOT
from bot.db import make_engine, make_session_factory
from bot.handoff.nurses import NurseAccounts
from bot.handoff.service import HandoffService
from bot.wording import Wording
from tests.support.waiting import wait_until

PASSWORD = "a-long-test-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def console_env(data_dir: Path) -> dict:
    return dict(
        os.environ,
        PYTHONPATH=str(PROJECT_ROOT),
        RASA_TELEMETRY_ENABLED="false",
        HELPLINE_DATA_DIR=str(data_dir),
        HELPLINE_DATABASE_URL=f"sqlite:///{data_dir / 'helpline.db'}",
        # The test's own tracker store, which the learning page reads: `make test` exports TRACKER_DB for var/
        HELPLINE_TRACKER_DATABASE_URL=f"sqlite:///{data_dir / 'tracker.db'}",
        HELPLINE_CONSOLE_SECRET_FILE=str(data_dir / "console_secret"),
        # As behind the scale profile's nginx: tests name the client in X-Forwarded-For (from_address)
        HELPLINE_TRUSTED_PROXIES="127.0.0.1",
    )


def from_address(address: str) -> dict:
    """Headers for a request from `address`, as a trusted proxy forwards it."""
    return {"X-Forwarded-For": address}


@dataclass
class ConsoleServer:
    url: str
    data_dir: Path
    database_url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start_console(data_dir: Path, timeout: float = 60) -> ConsoleServer:
    """Starts the CLI's `serve`, which applies the migrations, and waits until it answers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = data_dir / "console.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.console", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=console_env(data_dir),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    server = ConsoleServer(url, data_dir, f"sqlite:///{data_dir / 'helpline.db'}", process, log)

    def answering() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"the console exited early:\n{log.read_text()[-4000:]}")
        try:
            return requests.get(f"{url}/api/openapi.json", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    try:
        wait_until(answering, "the console to answer", timeout=timeout, interval=0.2)
    except AssertionError:
        server.stop()
        raise TimeoutError(f"the console did not answer within {timeout}s:\n{log.read_text()[-4000:]}") from None
    return server


@dataclass
class Account:
    id: int
    username: str
    password: str
    role: str


def new_account(accounts: NurseAccounts, role: str = "nurse", name: str = "Test Nurse") -> Account:
    username = f"{role}-{uuid.uuid4().hex[:10]}"
    view = accounts.create(username, name, PASSWORD, role)
    return Account(view.id, username, PASSWORD, role)


def sign_in(url: str, account: Account) -> requests.Session:
    """A requests session that uses the Bearer token, as an API client would."""
    response = requests.post(
        f"{url}/api/login", json={"username": account.username, "password": account.password}, timeout=10
    )
    assert response.status_code == 200, response.text
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return session


def conversation() -> str:
    return f"test-{uuid.uuid4().hex}"


# The routes an OpenAPI-driven test calls; the admin ones answer 403 to a nurse.
METHODS = {"get", "post", "put", "patch", "delete"}
ADMIN_ROUTES = [
    ("get", "/api/nurses"),
    ("post", "/api/nurses"),
    ("post", "/api/nurses/1/deactivate"),
    ("post", "/api/nurses/1/activate"),
    ("post", "/api/nurses/1/password"),
    ("get", "/api/stats"),
    ("get", "/api/content"),
    ("post", "/api/pause"),
    ("post", "/api/pause/resume"),
]


def spec_operations(spec: dict) -> list[tuple[str, str, dict]]:
    """(method, path, operation) of each operation the OpenAPI document describes."""
    return [
        (method, path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def concrete(path: str) -> str:
    """A documented path with each parameter filled in, to call it."""
    return re.sub(r"\{[^}]+\}", "1", path)


def waiting(service: HandoffService, **kwargs) -> int:
    """Someone in the queue, asked for a nurse; returns the handoff's id."""
    placed = service.request(
        conversation(),
        channel=kwargs.pop("channel", "rest"),
        reason=kwargs.pop("reason", "asked for a nurse"),
        transcript=kwargs.pop("transcript", [("person", "hi"), ("bot", "hello")]),
        **kwargs,
    )
    return placed.handoff.id


@dataclass
class SseMessage:
    event: str
    data: str
    id: Optional[str]
    comment: bool = False

    def json(self) -> dict:
        return json.loads(self.data)


class SseReader:
    """Parses an event stream in a background thread, so a test can wait for a message with a timeout."""

    def __init__(self, response: requests.Response):
        self.messages: queue.Queue[SseMessage] = queue.Queue()
        self._response = response
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        event, data, event_id = "message", [], None
        try:
            for line in self._response.iter_lines(chunk_size=1, decode_unicode=True):
                if line == "":
                    if data:
                        self.messages.put(SseMessage(event, "\n".join(data), event_id))
                    event, data = "message", []
                elif line.startswith(":"):
                    self.messages.put(SseMessage("", line[1:].strip(), None, comment=True))
                else:
                    field, _, value = line.partition(":")
                    value = value[1:] if value.startswith(" ") else value
                    if field == "event":
                        event = value
                    elif field == "data":
                        data.append(value)
                    elif field == "id":
                        event_id = value
        except Exception:  # the test closed the stream
            return

    def __enter__(self) -> SseReader:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Shuts the socket down first: the reader thread holds the stream's lock until its read returns."""
        connection = getattr(self._response.raw, "connection", None) or getattr(self._response.raw, "_connection", None)
        sock = getattr(connection, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._response.close()

    def wait_for(self, matches: Callable[[SseMessage], bool], timeout: float) -> SseMessage:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching server-sent event within {timeout}s")
            try:
                message = self.messages.get(timeout=remaining)
            except queue.Empty:
                continue
            if matches(message):
                return message


@pytest.fixture(scope="session")
def console_server(tmp_path_factory) -> Iterator[ConsoleServer]:
    server = start_console(tmp_path_factory.mktemp("console"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def console_sessions(console_server) -> Iterator[sessionmaker]:
    """The same database as the server, from this process: changes reach the server only through it."""
    engine = make_engine(console_server.database_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def handoff_service(console_sessions) -> HandoffService:
    return HandoffService(console_sessions, system_clock, Wording.from_domain())


@pytest.fixture(scope="session")
def nurse_accounts(console_sessions) -> NurseAccounts:
    return NurseAccounts(console_sessions, system_clock)


@pytest.fixture
def nurse(nurse_accounts) -> Account:
    return new_account(nurse_accounts, "nurse", "Nurse Jo")


@pytest.fixture
def admin(nurse_accounts) -> Account:
    return new_account(nurse_accounts, "admin", "Admin Sam")
