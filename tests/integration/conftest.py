"""Starts the real action server and Rasa server on free ports, on a fresh SQLite data folder."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.config import PROJECT_ROOT

MODEL = PROJECT_ROOT / "models" / "helpline.tar.gz"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {timeout}s:\n{log.read_text()[-4000:]}")


@dataclass
class Service:
    url: str
    token: str
    data_dir: Path

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
    data_dir = tmp_path_factory.mktemp("var")
    rasa_port, actions_port = free_port(), free_port()
    token = secrets.token_urlsafe(16)
    env = dict(
        os.environ,
        PYTHONPATH=str(PROJECT_ROOT),
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        HELPLINE_DATA_DIR=str(data_dir),
        HELPLINE_DATABASE_URL=f"sqlite:///{data_dir / 'helpline.db'}",
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{actions_port}/webhook",
        TRACKER_DB_DIALECT="sqlite",
        TRACKER_DB=str(data_dir / "tracker.db"),
    )
    subprocess.run([sys.executable, "-m", "bot.content", "import"], cwd=PROJECT_ROOT, env=env, check=True)
    logs = {name: data_dir / f"{name}.log" for name in ("actions", "rasa")}
    actions = subprocess.Popen(
        [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(actions_port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=logs["actions"].open("w"),
        stderr=subprocess.STDOUT,
    )
    rasa = subprocess.Popen(
        [
            str(BIN / "rasa"),
            "run",
            "--enable-api",
            "--auth-token",
            token,
            "--port",
            str(rasa_port),
            "--model",
            str(MODEL),
            "--endpoints",
            "endpoints.yml",
            "--credentials",
            "credentials.yml",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=logs["rasa"].open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{actions_port}/health", actions, logs["actions"])
        wait_for(f"http://127.0.0.1:{rasa_port}/status", rasa, logs["rasa"], params={"token": token})
        yield Service(f"http://127.0.0.1:{rasa_port}", token, data_dir)
    finally:
        for process in (rasa, actions):
            process.terminate()
        for process in (rasa, actions):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
