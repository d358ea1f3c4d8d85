"""`make run-scaled` and `make stop`: the scale profile in the foreground, and stopping it from anywhere.

    python scripts/scale.py run  [--data-dir var/scale] [--free-ports]
    python scripts/scale.py stop [--data-dir var/scale]

The processes themselves are described in ops/scaled.py, which the scale tests share.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops.scaled import DEFAULT_DATA, REPLICAS, STATE_FILE, Ports, ScaleStack, StackError  # noqa: E402

RUNNER = "runner"


class Stop(Exception):
    """Ctrl-C, or `make stop` from another terminal."""


def _stop_signal(signum: int, frame: Optional[FrameType]) -> None:
    raise Stop(signal.Signals(signum).name)


def run(data_dir: Path, free: bool) -> int:
    stack = ScaleStack(data_dir, Ports.free() if free else Ports.fixed())
    pid_file = data_dir / "pids" / f"{RUNNER}.pid"
    signal.signal(signal.SIGINT, _stop_signal)
    signal.signal(signal.SIGTERM, _stop_signal)
    try:
        print(f"Starting the scale profile in {data_dir} (logs in {stack.log_dir}) ...", flush=True)
        stack.start()
        pid_file.write_text(f"{os.getpid()}\n")
        replicas = ", ".join(stack.rasa_url(i) for i in range(REPLICAS))
        database_url = stack.database_url()
        print(URLS.format(stack=stack, replicas=replicas, token_file=data_dir / STATE_FILE, database_url=database_url))
        while True:
            ended = {name: code for name, code in stack.running().items() if code is not None}
            if ended:
                print(f"Stopping: {', '.join(f'{n} exited ({c})' for n, c in ended.items())}", file=sys.stderr)
                return 1
            time.sleep(1)
    except Stop:
        print("Stopping the scale profile ...", flush=True)
        return 0
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the shutdown short
        stack.stop()
        pid_file.unlink(missing_ok=True)
        print("Scale profile stopped.", flush=True)


def stop(data_dir: Path) -> int:
    """Asks a foreground runner to stop everything; otherwise stops what the pid files name."""
    if not (data_dir / STATE_FILE).exists():
        print(f"Nothing to stop: {data_dir} has no scale profile")
        return 0
    runner = data_dir / "pids" / f"{RUNNER}.pid"
    if runner.exists():
        pid = int(runner.read_text().split()[0])
        command = Path(f"/proc/{pid}/cmdline")
        if command.exists() and b"scale.py" in command.read_bytes():
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 90
            while command.exists() and time.monotonic() < deadline:
                time.sleep(0.2)
    ScaleStack.load(data_dir).stop()
    print(f"Stopped the scale profile in {data_dir}")
    return 0


URLS = """
Scale profile is up: 2 Rasa replicas, 2 action servers, PostgreSQL, Redis, nginx and the console.
  REST channel (nginx):  {stack.url}/webhooks/rest/webhook
  Website chat demo:     {stack.url}/webhooks/socketio/demo
  Nurse console:         {stack.url}/console
  Rasa replicas:         {replicas}
  PostgreSQL:            127.0.0.1:{stack.ports.postgres} (databases helpline, tracker; password in {token_file})
  Redis:                 127.0.0.1:{stack.ports.redis}
  HTTP API token:        in {token_file}
  First nurse:           HELPLINE_DATABASE_URL={database_url} \\
                           .venv/bin/python -m bot.console create-nurse --username NAME --name "Full Name" --role admin
Ctrl-C or `make stop` stops everything.
"""


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/scale.py", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("run", "stop"))
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("SCALE_DATA_DIR", DEFAULT_DATA)))
    parser.add_argument("--free-ports", action="store_true", help="pick free ports instead of the fixed ones")
    args = parser.parse_args(argv)
    data_dir = args.data_dir.resolve()
    if args.command == "run":
        return run(data_dir, args.free_ports)
    return stop(data_dir)


if __name__ == "__main__":
    sys.exit(main())
