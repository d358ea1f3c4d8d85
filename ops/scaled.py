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
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional

from bot.config import PROJECT_ROOT
from ops.ports import free_port

BIN = Path(sys.executable).parent
MODEL = PROJECT_ROOT / "models" / "helpline.tar.gz"
CONFIG = PROJECT_ROOT / "config" / "scale"
DEFAULT_DATA = PROJECT_ROOT / "var" / "scale"
REPLICAS = 2
DB_USER = "helpline"
HELPLINE_DB = "helpline"
TRACKER_DB = "tracker"
STATE_FILE = "stack.json"
POSTGRES_USER = "postgres"  # the system account Debian's package creates; PostgreSQL refuses to run as root


class StackError(RuntimeError):
    """The stack could not be started or stopped; the message says what to look at."""


def postgres_bin() -> Optional[Path]:
    """The newest Debian PostgreSQL server binaries, or None when the package is missing."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def missing_binaries() -> List[str]:
    """The Debian programs this profile needs and cannot find (scripts/install-scale.sh installs them)."""
    missing = []
    if postgres_bin() is None:
        missing.append("postgresql")
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        missing.append("nginx")
    return missing


def redis_server_args(port: int, folder: Path) -> List[str]:
    """Debian's redis-server on loopback, nothing written to disk (locks and socket.io rooms are short-lived)."""
    redis = shutil.which("redis-server") or "/usr/bin/redis-server"
    return [redis, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
            "--dir", str(folder), "--daemonize", "no", "--protected-mode", "yes"]  # fmt: skip


def wait_for_redis(port: int, process: subprocess.Popen, timeout: float = 30) -> bool:
    """Whether the Redis server on `port` answers a PING before `timeout` (False at once if it exited)."""
    import redis as redis_client

    deadline = time.monotonic() + timeout
    while True:
        try:
            redis_client.Redis(host="127.0.0.1", port=port, socket_timeout=1).ping()
            return True
        except redis_client.RedisError:
            if time.monotonic() > deadline or process.poll() is not None:
                return False
            time.sleep(0.1)


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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        try:  # reap it if it is our child, so it does not linger as a zombie
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.1)
    return not _alive(pid)


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
    def pg_data(self) -> Path:
        return self.pg_home / "data"

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
        env = dict(
            os.environ,
            PYTHONPATH=str(PROJECT_ROOT),
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            HELPLINE_DATA_DIR=str(self.data_dir),
            HELPLINE_DATABASE_URL=self.database_url(HELPLINE_DB),
            HELPLINE_TRACKER_DATABASE_URL=self.database_url(TRACKER_DB),
            HELPLINE_RASA_URL=self.url,
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

    def _spawn(self, name: str, args: List[str], env: Mapping[str, str], cwd: Path = PROJECT_ROOT) -> None:
        log = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            args, cwd=cwd, env=dict(env), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches the runner, which stops everything in order
        )  # fmt: skip
        log.close()
        self.processes[name] = process
        self._write_pid(name, process.pid)

    def _as_postgres(self, args: List[str]) -> List[str]:
        return ["runuser", "-u", POSTGRES_USER, "--", *args] if os.geteuid() == 0 else args

    def _run(self, args: List[str], env: Optional[Mapping[str, str]] = None, what: str = "") -> None:
        result = subprocess.run(args, cwd=PROJECT_ROOT, env=dict(env or os.environ), capture_output=True, text=True)
        if result.returncode != 0:
            raise StackError(f"{what or args[0]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")

    def _wait_http(self, name: str, url: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        process = self.processes.get(name)
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                log = (self.log_dir / f"{name}.log").read_text(errors="replace")[-4000:]
                raise StackError(f"{name} exited early ({process.returncode}); end of its log:\n{log}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise StackError(f"{name} did not answer {url} within {timeout:.0f}s; see {self.log_dir / (name + '.log')}")

    # ----- PostgreSQL -----

    def _init_postgres(self) -> None:
        pg = postgres_bin()
        if pg is None:
            raise StackError("PostgreSQL is not installed: run scripts/install-scale.sh")
        self.pg_home.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.pg_home, POSTGRES_USER, POSTGRES_USER)
        self.pg_home.chmod(0o700)
        if (self.pg_data / "PG_VERSION").exists():
            return
        password_file = self.pg_home / "initdb.pw"
        password_file.write_text(self.db_password + "\n")
        if os.geteuid() == 0:
            shutil.chown(password_file, POSTGRES_USER, POSTGRES_USER)
        try:
            self._run(
                self._as_postgres(
                    [str(pg / "initdb"), "-D", str(self.pg_data), "-U", DB_USER, f"--pwfile={password_file}",
                     "--auth-local=peer", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"]
                ),
                what="initdb",
            )  # fmt: skip
        finally:
            password_file.unlink(missing_ok=True)

    def start_postgres(self) -> None:
        """Starts (or restarts, after `stop_postgres`) the cluster on loopback; returns once it accepts connections."""
        pg = postgres_bin()
        assert pg is not None
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.ports.postgres} "
            f"-c unix_socket_directories={self.pg_home} -c max_connections=300"
        )
        self._run(
            self._as_postgres(
                [str(pg / "pg_ctl"), "-D", str(self.pg_data), "-l", str(self.pg_home / "postgres.log"),
                 "-o", options, "-w", "-t", "60", "start"]
            ),
            what="pg_ctl start",
        )  # fmt: skip
        pid = (self.pg_data / "postmaster.pid").read_text().split()[0]
        self._write_pid("postgres", int(pid))

    def stop_postgres(self, mode: str = "fast") -> None:
        pg = postgres_bin()
        if pg is None or not (self.pg_data / "postmaster.pid").exists():
            return
        self._run(
            self._as_postgres([str(pg / "pg_ctl"), "-D", str(self.pg_data), "-m", mode, "-w", "-t", "60", "stop"]),
            what="pg_ctl stop",
        )
        (self.pid_dir / "postgres.pid").unlink(missing_ok=True)

    def _create_databases(self) -> None:
        import psycopg2

        connection = psycopg2.connect(self.database_url("postgres"))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                for name in (HELPLINE_DB, TRACKER_DB):
                    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                    if cursor.fetchone() is None:
                        cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()

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
        return NGINX_CONFIG.format(
            user=user,
            pid=folder / "nginx.pid",
            error_log=self.log_dir / "nginx-error.log",
            access_log=self.log_dir / "nginx-access.log",
            temp=folder / "tmp",
            rasa=rasa,
            console=self.ports.console,
            port=self.ports.nginx,
        )

    def _start_nginx(self) -> None:
        folder = self.data_dir / "nginx"
        (folder / "tmp").mkdir(parents=True, exist_ok=True)
        config = folder / "nginx.conf"
        config.write_text(self.nginx_config())
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        error_log = str(self.log_dir / "nginx-error.log")
        self._run([nginx, "-t", "-q", "-p", str(folder), "-e", error_log, "-c", str(config)], what="nginx -t")
        self._spawn("nginx", [nginx, "-p", str(folder), "-e", error_log, "-c", str(config)], os.environ)
        self._wait_http("nginx", f"{self.url}/webhooks/rest/", timeout=60)

    # ----- Rasa, the action servers and the console -----

    def start_actions(self, replica: int) -> None:
        self._spawn(
            f"actions-{replica + 1}",
            [str(BIN / "python"), "-m", "bot.action_server", "--port", str(self.ports.actions[replica])],
            self.env(replica),
        )

    def start_rasa(self, replica: int, wait: bool = True) -> None:
        self._spawn(
            f"rasa-{replica + 1}",
            [str(BIN / "python"), "-m", "bot.rasa_server", "-i", "127.0.0.1",  # token: RASA_AUTH_TOKEN
             "--port", str(self.ports.rasa[replica]), "--model", str(self.model),
             "--endpoints", str(CONFIG / "endpoints.yml"), "--credentials", str(CONFIG / "credentials.yml"),
             "--cors", "*"],
            self.env(replica),
        )  # fmt: skip
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
        command = [str(BIN / "python"), "-m", "bot.console", "serve", "--host", "127.0.0.1"]
        self._spawn("console", [*command, "--port", str(self.ports.console)], self.env())
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
            self._init_postgres()
            self.start_postgres()
            self._create_databases()
            self._start_redis()
            env = self.env()
            self._run([str(BIN / "python"), "-m", "bot.db", "upgrade"], env, "bot.db upgrade")
            self._run([str(BIN / "python"), "-m", "bot.content", "import", "data/content"], env, "content import")
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
        if _alive(pid):
            os.kill(pid, signal.SIGTERM)
            if not _wait_gone(pid, timeout) and _alive(pid):
                os.kill(pid, signal.SIGKILL)
                _wait_gone(pid, 10)
        if process is not None:
            process.wait(timeout=10)
        pid_file.unlink(missing_ok=True)

    def running(self) -> Dict[str, Optional[int]]:
        """Every process of the stack and its exit code, None while it runs."""
        return {name: process.poll() for name, process in self.processes.items()}


def _is_ours(name: str, pid: int) -> bool:
    """The pid still runs the program its pid file was written for (pids are reused)."""
    command = _cmdline(pid)
    expected = {"nginx": "nginx", "redis": "redis-server", "console": "bot.console"}
    return bool(command) and expected.get(name.split("-")[0], "rasa") in command


NGINX_CONFIG = """# Generated by ops/scaled.py for the scale profile; rewritten on every start.
{user}worker_processes 1;
daemon off;
pid {pid};
error_log {error_log} warn;

events {{
    worker_connections 1024;
}}

http {{
    # Which replica served each request (tests/scale checks that a burst reached both).
    log_format upstream '$msec "$request" $status $upstream_addr $request_time';
    access_log {access_log} upstream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    client_max_body_size 1m;

    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}

    # REST: any replica will do; the Redis lock store keeps each conversation in order of arrival here
    # (X-Request-Start, bot/rasa_runtime/locks.py).
    upstream rasa {{
{rasa}
        keepalive 32;
    }}

    # socket.io: long polling sends one session's requests separately, so a browser stays on one replica.
    upstream rasa_socketio {{
        ip_hash;
{rasa}
    }}

    upstream console {{
        server 127.0.0.1:{console};
    }}

    server {{
        listen 127.0.0.1:{port};

        location /socket.io/ {{
            proxy_pass http://rasa_socketio;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_buffering off;
            proxy_read_timeout 3600s;
        }}

        location /console {{
            proxy_pass http://console;
            proxy_set_header Host $host;
        }}

        location /api/ {{
            proxy_pass http://console;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_buffering off;        # the console's live updates are server-sent events
            proxy_read_timeout 3600s;
        }}

        location / {{
            proxy_pass http://rasa;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Request-Start "t=${{msec}}";  # replaces any the client sent
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""
