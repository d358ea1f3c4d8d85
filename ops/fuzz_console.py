"""`make fuzz`: schemathesis against the nurse console's own OpenAPI document, bounded in time.

Starts a console (`python -m bot.console serve`) on a free port over a fresh SQLite folder, with
a nurse, an admin and a few people waiting, then runs schemathesis three times: as the nurse,
as the admin, and signed out. Every check schemathesis has is on (no 5xx, the documented status
codes, content types and schemas, input the document forbids is refused and input it allows
accepted, 405 answers carry Allow, …). Fails on any finding.

Schemathesis lives in its own virtualenv, `.venv-fuzz` (requirements-fuzz.txt): its releases
that run on Python 3.10 need a newer jsonschema, packaging and pytest than Rasa 3.6 allows.

    python -m ops.fuzz_console [--seconds N] [--schemathesis PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import List, Optional, Sequence

import requests

from bot.channels.common import Channel
from bot.config import PROJECT_ROOT
from bot.handoff.models import Role
from bot.models import Author
from ops.ports import free_port

SCHEMATHESIS = PROJECT_ROOT / ".venv-fuzz" / "bin" / "schemathesis"
PASSWORD = "fuzzing-password-" + "x" * 8
# Never-ending (the live feed) or ending the run's own session (sign-out).
SIGNED_IN_EXCLUDED = ("/api/events", "/api/logout")


def start_console(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(
        os.environ,
        PYTHONPATH=str(PROJECT_ROOT),
        HELPLINE_DATA_DIR=str(data_dir),
        HELPLINE_DATABASE_URL=f"sqlite:///{data_dir / 'helpline.db'}",
    )
    log = (data_dir / "console.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.console", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the console exited:\n{(data_dir / 'console.log').read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/api/openapi.json", timeout=2).status_code == 200:
                return process, url
        except requests.RequestException:
            pass
        time.sleep(0.3)
    process.kill()
    raise TimeoutError("the console did not start")


def seed(database_url: str) -> None:
    """A nurse, an admin and people waiting, so ids in paths can name real things."""
    from argon2 import PasswordHasher

    from bot.bootstrap import root
    from bot.clock import system_clock
    from bot.db import make_engine, make_session_factory
    from bot.handoff.nurses import NurseAccounts
    from bot.handoff.service import HandoffService

    sessions = make_session_factory(make_engine(database_url))
    accounts = NurseAccounts(sessions, system_clock, PasswordHasher(time_cost=1, memory_cost=1024))
    accounts.create("fuzz-nurse", "Fuzz Nurse", PASSWORD, Role.NURSE)
    accounts.create("fuzz-admin", "Fuzz Admin", PASSWORD, Role.ADMIN)
    service = HandoffService(sessions, system_clock, root().wording)
    for number in range(3):
        transcript = [(Author.PERSON, f"hi {number}")]
        service.request(f"fuzz-{uuid.uuid4().hex}", Channel.REST, "asked for a nurse", transcript=transcript)


def token(url: str, username: str) -> str:
    response = requests.post(f"{url}/api/login", json={"username": username, "password": PASSWORD}, timeout=10)
    response.raise_for_status()
    return response.json()["token"]


def schemathesis(
    binary: Path, url: str, seconds: int, report: Path, header: Optional[str], exclude: Sequence[str]
) -> List[str]:
    command = [
        str(binary), "run", f"{url}/api/openapi.json", "--url", url,
        "--checks", "all", "--workers", "1", "--max-time", str(seconds),
        "--request-timeout", "10", "--report", "junit", "--report-dir", str(report),
        "--suppress-health-check", "all", "--seed", "1", "--max-redirects", "0",
    ]  # fmt: skip
    if header:
        command += ["--header", header]
    for path in exclude:
        command += ["--exclude-path", path]
    return command


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.fuzz_console", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=40, help="time budget of each of the three runs")
    parser.add_argument("--schemathesis", type=Path, default=SCHEMATHESIS)
    parser.add_argument("--report", type=Path, default=None, help="where the junit reports go")
    args = parser.parse_args(argv)
    if not args.schemathesis.exists():
        print(f"{args.schemathesis} is missing: run `make fuzz`, which installs it", file=sys.stderr)
        return 2
    data_dir = Path(tempfile.mkdtemp(prefix="helpline-fuzz-"))
    report = args.report or data_dir / "reports"
    process, url = start_console(data_dir)
    failed = []
    try:
        seed(f"sqlite:///{data_dir / 'helpline.db'}")
        runs = [
            ("nurse", f"Authorization: Bearer {token(url, 'fuzz-nurse')}", SIGNED_IN_EXCLUDED),
            ("admin", f"Authorization: Bearer {token(url, 'fuzz-admin')}", SIGNED_IN_EXCLUDED),
            ("signed out", None, ()),
        ]
        for name, header, exclude in runs:
            print(f"--- schemathesis, {name}: {args.seconds} s", flush=True)
            folder = report / name.replace(" ", "-")
            command = schemathesis(args.schemathesis, url, args.seconds, folder, header, exclude)
            if subprocess.run(command, cwd=data_dir).returncode != 0:
                failed.append(name)
    finally:
        process.terminate()
        process.wait(timeout=20)
    log = (data_dir / "console.log").read_text()
    if "Traceback" in log:
        print(f"the console logged an error (see {data_dir / 'console.log'})", file=sys.stderr)
        failed.append("console log")
    if failed:
        print(f"fuzz: findings in {', '.join(failed)}; reports in {report}", file=sys.stderr)
        return 1
    print("fuzz: no findings")
    if args.report is None:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
