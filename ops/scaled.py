"""The scale profile as processes: PostgreSQL, Redis, 2 Rasa replicas, 2 action servers, the console and nginx.

Used by `scripts/scale.py` (`make run-scaled`, `make stop`) and by the tests in tests/scale.
Everything lives in one data folder: the database cluster, Redis's files, nginx's generated
configuration, logs and a pid file per process, so `stop` ends exactly what was started here.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional

from bot.config import PROJECT_ROOT
from ops import processes as launcher
from ops.datastores import (
    Postgres,
    StackError,
    missing_binaries,
    redis_server_args,
    run_checked,
    wait_for_redis,
)
from ops.ports import free_port

BIN = launcher.BIN
MODEL = launcher.MODEL
CONFIG = PROJECT_ROOT / "config" / "scale"
DEFAULT_DATA = PROJECT_ROOT / "var" / "scale"
REPLICAS = 2
DB_USER = "helpline"
HELPLINE_DB = "helpline"
TRACKER_DB = "tracker"
STATE_FILE = "stack.json"
TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass
class Ports:
    nginx: int
    postgres: int
    redis: int
    console: int
    rasa: List[int]
    actions: List[int]

    @classmethod
    def fixed(cls) -> Ports:
        """The ports `make run-scaled` uses, next to `make run`'s and not in its way."""
        return cls(nginx=5080, postgres=5433, redis=6380, console=5107, rasa=[5105, 5106], actions=[5155, 5156])

    @classmethod
    def free(cls) -> Ports:
        return cls(
            nginx=free_port(),
            postgres=free_port(),
            redis=free_port(),
            console=free_port(),
            rasa=[free_port() for _ in range(REPLICAS)],
            actions=[free_port() for _ in range(REPLICAS)],
        )


@dataclass
class ScaleStack:
    """One scale profile in one data folder; `start()` brings it up, `stop()` ends what it started."""

    data_dir: Path = DEFAULT_DATA
    ports: Ports = field(default_factory=Ports.fixed)
    token: str = ""
    db_password: str = ""
    clock_file: Optional[Path] = None  # HELPLINE_CLOCK_FILE for every process (tests set opening hours)
    model: Path = MODEL
    extra_env: Dict[str, str] = field(default_factory=dict)
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict, repr=False)
    actions_token: str = field(default="", repr=False)  # Rasa -> action servers (endpoints.yml headers)

    # ----- where things are -----

    @property
    def pid_dir(self) -> Path:
        return self.data_dir / "pids"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def pg_home(self) -> Path:
        """Owned by the postgres account when run as root: the cluster, its socket and its log."""
        return self.data_dir / "postgres"

    @property
    def postgres(self) -> Postgres:
        return Postgres(self.pg_home, self.ports.postgres, DB_USER, self.db_password)

    @property
    def url(self) -> str:
        """nginx: the address people and nurses use."""
        return f"http://127.0.0.1:{self.ports.nginx}"

    def rasa_url(self, replica: int) -> str:
        return f"http://127.0.0.1:{self.ports.rasa[replica]}"

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.console}"

    def database_url(self, name: str = HELPLINE_DB) -> str:
        return f"postgresql://{DB_USER}:{self.db_password}@127.0.0.1:{self.ports.postgres}/{name}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.ports.redis}/0"

    def env(self, replica: int = 0) -> Dict[str, str]:
        """The environment of every process; only the action server's URL differs between replicas."""
        env = launcher.base_env(
            HELPLINE_DATA_DIR=str(self.data_dir),
            HELPLINE_DATABASE_URL=self.database_url(HELPLINE_DB),
            HELPLINE_TRACKER_DATABASE_URL=self.database_url(TRACKER_DB),
            ACTION_ENDPOINT_URL=f"http://127.0.0.1:{self.ports.actions[replica]}/webhook",
            TRACKER_DB_HOST="127.0.0.1",
            TRACKER_DB_PORT=str(self.ports.postgres),
            TRACKER_DB_NAME=TRACKER_DB,
            TRACKER_DB_USER=DB_USER,
            TRACKER_DB_PASSWORD=self.db_password,
            REDIS_HOST="127.0.0.1",
            REDIS_PORT=str(self.ports.redis),
            LOCK_STORE_REDIS_DB="1",
            SOCKETIO_REDIS_URL=self.redis_url,
            HELPLINE_TRUSTED_PROXIES="127.0.0.1",  # nginx: its X-Forwarded-For names the client
            RASA_AUTH_TOKEN=self.token,  # read by bot.rasa_server: never on a command line
            HELPLINE_ACTIONS_TOKEN=self.actions_token,
            **self.extra_env,
        )
        if self.clock_file is not None:
            env["HELPLINE_CLOCK_FILE"] = str(self.clock_file)
        return env

    # ----- state on disk -----

    def save_state(self) -> None:
        state = {
            "ports": asdict(self.ports),
            "token": self.token,
            "db_password": self.db_password,
            "actions_token": self.actions_token,
        }
        path = self.data_dir / STATE_FILE
        path.write_text(json.dumps(state, indent=2))
        path.chmod(0o600)

    @classmethod
    def load(cls, data_dir: Path) -> ScaleStack:
        """The stack a previous `start()` left in `data_dir` (its ports, token and password)."""
        state = json.loads((data_dir / STATE_FILE).read_text())
        stack = cls(data_dir, Ports(**state["ports"]), state["token"], state["db_password"])
        stack.actions_token = state.get("actions_token", "")
        return stack

    def _prepare(self) -> None:
        for folder in (self.data_dir, self.pid_dir, self.log_dir, self.data_dir / "redis", self.data_dir / "nginx"):
            folder.mkdir(parents=True, exist_ok=True)
        previous = self.data_dir / STATE_FILE
        if previous.exists():  # keep the database's password and the API token of an earlier run
            state = json.loads(previous.read_text())
            self.db_password = self.db_password or state["db_password"]
            self.token = self.token or state["token"]
            self.actions_token = self.actions_token or state.get("actions_token", "")
        self.db_password = self.db_password or secrets.token_hex(16)
        self.token = self.token or secrets.token_hex(24)  # hex: a leading "-" would read as an option
        self.actions_token = self.actions_token or secrets.token_hex(32)
        self.save_state()
        from bot.signing_keys import load_or_create_secret

        # Made before the replicas start: every replica must sign web chat sessions with the same key.
        load_or_create_secret(self.data_dir / "webchat_secret", "web chat signing")

    # ----- processes -----

    def _write_pid(self, name: str, pid: int) -> None:
        (self.pid_dir / f"{name}.pid").write_text(f"{pid}\n")

    def _spawn(self, name: str, args: List[str], env: Mapping[str, str]) -> None:
        # A session of its own: Ctrl-C reaches the runner, which stops everything in order.
        process = launcher.spawn(args, env, self.log_dir / f"{name}.log", new_session=True)
        self.processes[name] = process
        self._write_pid(name, process.pid)

    def _wait_http(self, name: str, url: str, timeout: float = 300) -> None:
        try:
            launcher.wait_until_ready(url, self.processes.get(name), self.log_dir / f"{name}.log", timeout)
        except (RuntimeError, TimeoutError) as error:
            raise StackError(f"{name}: {error}") from error

    # ----- PostgreSQL -----

    def start_postgres(self) -> None:
        """Starts (or restarts, after `stop_postgres`) the cluster on loopback; returns once it accepts connections."""
        self._write_pid("postgres", self.postgres.start())

    def stop_postgres(self, mode: str = "fast") -> None:
        if self.postgres.stop(mode):
            (self.pid_dir / "postgres.pid").unlink(missing_ok=True)

    # ----- Redis and nginx -----

    def _start_redis(self) -> None:
        self._spawn("redis", redis_server_args(self.ports.redis, self.data_dir / "redis"), os.environ)
        if not wait_for_redis(self.ports.redis, self.processes["redis"]):
            raise StackError(f"redis did not start; see {self.log_dir / 'redis.log'}")

    def nginx_config(self) -> str:
        """REST round robin (Redis's lock store orders each conversation), socket.io sticky by client address."""
        folder = self.data_dir / "nginx"
        rasa = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in self.ports.rasa)
        user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
        return (
            (TEMPLATES / "nginx.conf")
            .read_text(encoding="utf-8")
            .format(
                user=user,
                pid=folder / "nginx.pid",
                error_log=self.log_dir / "nginx-error.log",
                access_log=self.log_dir / "nginx-access.log",
                temp=folder / "tmp",
                rasa=rasa,
                console=self.ports.console,
                port=self.ports.nginx,
            )
        )

    def _start_nginx(self) -> None:
        folder = self.data_dir / "nginx"
        (folder / "tmp").mkdir(parents=True, exist_ok=True)
        config = folder / "nginx.conf"
        config.write_text(self.nginx_config())
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        error_log = str(self.log_dir / "nginx-error.log")
        run_checked([nginx, "-t", "-q", "-p", str(folder), "-e", error_log, "-c", str(config)], what="nginx -t")
        self._spawn("nginx", [nginx, "-p", str(folder), "-e", error_log, "-c", str(config)], os.environ)
        self._wait_http("nginx", f"{self.url}/webhooks/rest/", timeout=60)

    # ----- Rasa, the action servers and the console -----

    def start_actions(self, replica: int) -> None:
        self._spawn(f"actions-{replica + 1}", launcher.actions_command(self.ports.actions[replica]), self.env(replica))

    def start_rasa(self, replica: int, wait: bool = True) -> None:
        command = launcher.rasa_command(self.ports.rasa[replica], self.model, CONFIG / "endpoints.yml",
                                         CONFIG / "credentials.yml", "-i", "127.0.0.1", "--cors", "*")  # fmt: skip
        self._spawn(f"rasa-{replica + 1}", command, self.env(replica))
        if wait:
            self.wait_rasa(replica)

    def wait_rasa(self, replica: int) -> None:
        self._wait_http(f"rasa-{replica + 1}", f"{self.rasa_url(replica)}/status?token={self.token}")

    def kill_rasa(self, replica: int, sig: int = signal.SIGKILL) -> None:
        """Ends a replica abruptly, as a crash would (the failover test)."""
        process = self.processes.pop(f"rasa-{replica + 1}")
        process.send_signal(sig)
        process.wait(timeout=30)
        (self.pid_dir / f"rasa-{replica + 1}.pid").unlink(missing_ok=True)

    def _start_console(self) -> None:
        self._spawn("console", launcher.console_command(self.ports.console, "--host", "127.0.0.1"), self.env())
        self._wait_http("console", f"{self.console_url}/api/openapi.json", timeout=120)

    # ----- the whole stack -----

    def start(self) -> None:
        """Brings everything up in dependency order; on failure, stops whatever had started."""
        missing = missing_binaries()
        if missing:
            raise StackError(f"missing Debian packages: {', '.join(missing)}; run scripts/install-scale.sh")
        if not self.model.exists():
            raise StackError(f"{self.model} is missing: run `make train`")
        self._prepare()
        try:
            self.postgres.init()
            self.start_postgres()
            self.postgres.create_databases(self.database_url("postgres"), [HELPLINE_DB, TRACKER_DB])
            self._start_redis()
            env = self.env()
            run_checked([str(BIN / "python"), "-m", "bot.db", "upgrade"], env, "bot.db upgrade")
            run_checked([str(BIN / "python"), "-m", "bot.content", "import", "data/content"], env, "content import")
            for replica in range(REPLICAS):
                self.start_actions(replica)
            for replica in range(REPLICAS):
                self.start_rasa(replica, wait=False)
            self._start_console()
            for replica in range(REPLICAS):
                self._wait_http(f"actions-{replica + 1}", f"http://127.0.0.1:{self.ports.actions[replica]}/health")
                self.wait_rasa(replica)
            self._start_nginx()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Ends the processes named in the pid files (after checking each is still ours), then PostgreSQL."""
        order = ["nginx", *(f"rasa-{i + 1}" for i in range(REPLICAS)), "console"]
        order += [*(f"actions-{i + 1}" for i in range(REPLICAS)), "redis"]
        for name in order:
            self._stop_one(name)
        self.stop_postgres()

    def _stop_one(self, name: str, timeout: float = 30) -> None:
        pid_file = self.pid_dir / f"{name}.pid"
        process = self.processes.pop(name, None)
        pid = process.pid if process is not None else None
        if pid is None and pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
        if pid is None:
            return
        if process is None and not _is_ours(name, pid):
            pid_file.unlink(missing_ok=True)  # a stale pid file; that pid now belongs to someone else
            return
        launcher.stop_pid(pid, timeout)
        if process is not None:
            process.wait(timeout=10)
        pid_file.unlink(missing_ok=True)

    def running(self) -> Dict[str, Optional[int]]:
        """Every process of the stack and its exit code, None while it runs."""
        return {name: process.poll() for name, process in self.processes.items()}


def _is_ours(name: str, pid: int) -> bool:
    """The pid still runs the program its pid file was written for (pids are reused)."""
    command = launcher.command_line(pid)
    expected = {"nginx": "nginx", "redis": "redis-server", "console": "bot.console"}
    return bool(command) and expected.get(name.split("-")[0], "rasa") in command
