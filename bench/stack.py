"""Starts and stops the assistants the benchmark compares: the stock `rasa init` assistant and ours."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from bot.config import PROJECT_ROOT
from ops import processes
from ops.ports import free_port

BIN = processes.BIN
TRAIN_DATA = ("data/nlu", "data/stories", "data/rules")


def base_env(**extra: str) -> Dict[str, str]:
    return processes.base_env(HELPLINE_RATE_LIMITS="off", **extra)  # thousands of messages from one address


def wait_until_ready(url: str, process: subprocess.Popen, log: Path, timeout: float = 300) -> float:
    """Polls `url` until it answers 200; returns the seconds since `process` was started."""
    return processes.wait_until_ready(url, process, log, timeout, interval=0.05)


def launch(command: Sequence[str], cwd: Path, env: Dict[str, str], log: Path) -> subprocess.Popen:
    return processes.spawn(command, env, log, cwd, new_session=True)


def terminate(process: Optional[subprocess.Popen]) -> None:
    processes.stop(process, group=True)


def rss_mb(pid: int) -> float:
    """Resident memory of one process, from /proc (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def timed(command: Sequence[str], cwd: Path, env: Dict[str, str], log: Path) -> float:
    started = time.monotonic()
    with log.open("a") as out:
        result = subprocess.run(list(command), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{log.read_text()[-3000:]}")
    return time.monotonic() - started


@dataclass
class Assistant:
    """One Rasa server (and its action server, if any) on free loopback ports."""

    workdir: Path
    rasa_port: int = field(default_factory=free_port)
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def rasa_pid(self) -> int:
        return self.processes["rasa"].pid

    def log(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def rasa_command(self) -> List[str]:
        raise NotImplementedError

    def env(self) -> Dict[str, str]:
        return base_env()

    def start_helpers(self) -> None:
        """Starts what the Rasa server needs before it (the action server); nothing by default."""

    def start(self) -> float:
        """Starts the servers; returns the Rasa server's start-to-ready seconds (model loaded, REST answering)."""
        self.start_helpers()
        self.processes["rasa"] = launch(self.rasa_command(), self.cwd, self.env(), self.log("rasa"))
        return wait_until_ready(f"{self.url}/", self.processes["rasa"], self.log("rasa"))

    @property
    def cwd(self) -> Path:
        return self.workdir

    def stop(self) -> None:
        for name in list(self.processes):
            terminate(self.processes.pop(name))


@dataclass
class StockAssistant(Assistant):
    """What `rasa init --no-prompt` gives a new team: default config, TED, in-memory tracker store."""

    def create(self) -> float:
        """Runs `rasa init --no-prompt` in the work folder; returns its seconds (it trains the model)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        return timed([str(BIN / "rasa"), "init", "--no-prompt"], self.workdir, base_env(), self.log("init"))

    def model(self) -> Path:
        return max((self.workdir / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)

    def rasa_command(self) -> List[str]:
        return [str(BIN / "rasa"), "run", "--port", str(self.rasa_port), "--model", str(self.model())]

    def responses(self) -> List[str]:
        import yaml

        domain = yaml.safe_load((self.workdir / "domain.yml").read_text())
        return [r["text"] for variants in domain["responses"].values() for r in variants if "text" in r]


@dataclass
class HelplineAssistant(Assistant):
    """Ours, on the real path: REST channel, NLU, policies, action server, content store, SQL tracker store."""

    model_path: Path = PROJECT_ROOT / "models" / "helpline.tar.gz"
    actions_port: int = field(default_factory=free_port)
    console_port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    actions_token: str = field(default_factory=lambda: secrets.token_hex(32))
    extra_env: Dict[str, str] = field(default_factory=dict)
    with_console: bool = False
    endpoints: Path = PROJECT_ROOT / "endpoints.yml"

    @property
    def cwd(self) -> Path:
        return PROJECT_ROOT

    def env(self) -> Dict[str, str]:
        return processes.sqlite_env(
            self.workdir,
            self.actions_port,
            self.token,
            self.actions_token,
            HELPLINE_RATE_LIMITS="off",
            **self.extra_env,
        )

    def prepare(self) -> None:
        """A fresh data folder with the migrations applied and the content imported."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        py = str(BIN / "python")
        timed([py, "-m", "bot.content", "import", "data/content"], PROJECT_ROOT, self.env(), self.log("prepare"))

    def train(self, out: Path) -> float:
        """Full training from scratch (`--force`), as a new deployment would; returns its seconds."""
        command = [
            str(BIN / "rasa"), "train", "--force", "--data", *TRAIN_DATA, "--out", str(out),
            "--fixed-model-name", "helpline",
        ]  # fmt: skip
        seconds = timed(command, PROJECT_ROOT, self.env(), self.log("train"))
        self.model_path = out / "helpline.tar.gz"
        return seconds

    def start_helpers(self) -> None:
        self.processes["actions"] = launch(
            processes.actions_command(self.actions_port), PROJECT_ROOT, self.env(), self.log("actions")
        )
        if self.with_console:
            self.processes["console"] = launch(
                processes.console_command(self.console_port), PROJECT_ROOT, self.env(), self.log("console")
            )
            wait_until_ready(f"http://127.0.0.1:{self.console_port}/", self.processes["console"], self.log("console"))
        wait_until_ready(f"http://127.0.0.1:{self.actions_port}/health", self.processes["actions"], self.log("actions"))

    def rasa_command(self) -> List[str]:
        return processes.rasa_command(self.rasa_port, self.model_path, self.endpoints, "credentials.yml")


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
