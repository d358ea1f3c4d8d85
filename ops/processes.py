"""One launcher for the project's processes: their environment, command lines, spawn, wait until ready, stop.

Used by `make run` (scripts/run.sh runs `python -m ops.processes run`), the scale profile
(ops/scaled.py), the benchmark (bench/stack.py) and the end-to-end test fixtures
(tests/integration/stack.py). Secrets travel in the environment, never on a command line
(`ps` shows those to every local user).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import FrameType
from typing import Dict, List, Mapping, Optional, Sequence

from bot.config import PROJECT_ROOT, Settings

BIN = Path(sys.executable).parent
PYTHON = str(BIN / "python")
MODEL = PROJECT_ROOT / "models" / "helpline.tar.gz"


def base_env(**extra: str) -> Dict[str, str]:
    """This process's environment, quietened for servers, with the project importable."""
    return dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2",
                **extra)  # fmt: skip


def sqlite_env(data_dir: Path, actions_port: int, rasa_token: str, actions_token: str, **extra: str) -> Dict[str, str]:
    """The helpline's processes on one SQLite data folder, Rasa calling the action server on `actions_port`."""
    return base_env(
        HELPLINE_DATA_DIR=str(data_dir),
        HELPLINE_DATABASE_URL=f"sqlite:///{data_dir / 'helpline.db'}",
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{actions_port}/webhook",
        TRACKER_DB_DIALECT="sqlite",
        TRACKER_DB=str(data_dir / "tracker.db"),
        RASA_AUTH_TOKEN=rasa_token,  # read by bot.rasa_server: never on a command line
        HELPLINE_ACTIONS_TOKEN=actions_token,
        **extra,
    )


def rasa_command(
    port: int,
    model: Path = MODEL,
    endpoints: Path | str = "endpoints.yml",
    credentials: Path | str = "credentials.yml",
    *extra: str,
) -> List[str]:
    """`rasa run` through bot.rasa_server, which takes the API token from RASA_AUTH_TOKEN."""
    return [PYTHON, "-m", "bot.rasa_server", "--port", str(port), "--model", str(model),
            "--endpoints", str(endpoints), "--credentials", str(credentials), *extra]  # fmt: skip


def actions_command(port: int) -> List[str]:
    return [PYTHON, "-m", "bot.action_server", "--port", str(port)]


def console_command(port: int, *extra: str) -> List[str]:
    return [PYTHON, "-m", "bot.console", "serve", *extra, "--port", str(port)]


def spawn(
    command: Sequence[str],
    env: Mapping[str, str],
    log: Path,
    cwd: Path = PROJECT_ROOT,
    new_session: bool = False,
) -> subprocess.Popen:
    """Starts `command` with its output appended to `log`; `started_at` records when, for start-up times."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            list(command), cwd=cwd, env=dict(env), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=new_session,
        )  # fmt: skip
    process.started_at = time.monotonic()  # type: ignore[attr-defined]
    return process


def log_tail(log: Path, chars: int = 4000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else ""


def wait_until_ready(
    url: str,
    process: Optional[subprocess.Popen],
    log: Path,
    timeout: float = 300,
    interval: float = 0.3,
) -> float:
    """Polls `url` until it answers 200; returns the seconds since `process` started.

    Raises RuntimeError, with the end of the log, as soon as the process has exited, and TimeoutError after `timeout`.
    """
    started = getattr(process, "started_at", time.monotonic())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited early ({process.returncode}):\n{log_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(interval)
    raise TimeoutError(f"{url} not ready after {timeout:.0f}s; see {log}:\n{log_tail(log)}")


def stop(process: Optional[subprocess.Popen], timeout: float = 20, group: bool = False) -> None:
    """SIGTERM, then SIGKILL after `timeout`; `group` for a process started in a session of its own."""
    if process is None or process.poll() is not None:
        return
    send = (lambda sig: os.killpg(process.pid, sig)) if group else process.send_signal
    send(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def wait_gone(pid: int, timeout: float) -> bool:
    """Whether a process (not necessarily our child) has ended within `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        try:  # reap it if it is our child, so it does not linger as a zombie
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.1)
    return not alive(pid)


def stop_pid(pid: int, timeout: float = 30) -> None:
    """SIGTERM, then SIGKILL, for a process known only by its pid."""
    if alive(pid):
        os.kill(pid, signal.SIGTERM)
        if not wait_gone(pid, timeout) and alive(pid):
            os.kill(pid, signal.SIGKILL)
            wait_gone(pid, 10)


RUN_URLS = """Rasa REST channel:  http://localhost:{rasa}/webhooks/rest/webhook
Action server:      http://{host}:{actions} (Rasa only: needs HELPLINE_ACTIONS_TOKEN)
Website chat demo:  http://localhost:{rasa}/webhooks/socketio/demo
Nurse console:      http://localhost:{console}/console
  (first nurse: .venv/bin/python -m bot.console create-nurse --username NAME --name "Full Name" --role admin)"""


def _stop_signal(signum: int, frame: Optional[FrameType]) -> None:
    raise SystemExit(128 + signum)


def run(settings: Settings) -> int:
    """`make run`: the action server and the console, then Rasa in the foreground; Ctrl-C stops all three."""
    signal.signal(signal.SIGTERM, _stop_signal)
    processes: List[subprocess.Popen] = []
    try:
        for command in (actions_command(settings.actions_port), console_command(settings.console_port)):
            processes.append(subprocess.Popen(command, cwd=PROJECT_ROOT))
        print(RUN_URLS.format(rasa=settings.rasa_port, host=settings.actions_host, actions=settings.actions_port,
                              console=settings.console_port), flush=True)  # fmt: skip
        rasa = subprocess.Popen(rasa_command(settings.rasa_port, MODEL.relative_to(PROJECT_ROOT), "endpoints.yml",
                                             "credentials.yml", "--cors", "*"), cwd=PROJECT_ROOT)  # fmt: skip
        processes.append(rasa)
        return rasa.wait()
    except KeyboardInterrupt:
        return 130
    finally:
        for process in reversed(processes):
            stop(process)


if __name__ == "__main__":
    if sys.argv[1:] != ["run"]:
        sys.exit("usage: python -m ops.processes run")
    sys.exit(run(Settings.from_env()))
