"""The scale profile's data stores from Debian's packages: a PostgreSQL cluster and a Redis server, on loopback."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Mapping, Optional

from bot.config import PROJECT_ROOT

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


def run_checked(args: List[str], env: Optional[Mapping[str, str]] = None, what: str = "") -> None:
    """Runs a set-up command to its end; StackError with its output when it fails."""
    result = subprocess.run(args, cwd=PROJECT_ROOT, env=dict(env or os.environ), capture_output=True, text=True)
    if result.returncode != 0:
        raise StackError(f"{what or args[0]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def as_postgres(args: List[str]) -> List[str]:
    return ["runuser", "-u", POSTGRES_USER, "--", *args] if os.geteuid() == 0 else args


@dataclass
class Postgres:
    """One cluster in `home` (owned by the postgres account when run as root: the data, its socket and its log)."""

    home: Path
    port: int
    user: str
    password: str

    @property
    def data(self) -> Path:
        return self.home / "data"

    def init(self) -> None:
        pg = postgres_bin()
        if pg is None:
            raise StackError("PostgreSQL is not installed: run scripts/install-scale.sh")
        self.home.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.home, POSTGRES_USER, POSTGRES_USER)
        self.home.chmod(0o700)
        if (self.data / "PG_VERSION").exists():
            return
        password_file = self.home / "initdb.pw"
        password_file.write_text(self.password + "\n")
        if os.geteuid() == 0:
            shutil.chown(password_file, POSTGRES_USER, POSTGRES_USER)
        try:
            run_checked(
                as_postgres(
                    [str(pg / "initdb"), "-D", str(self.data), "-U", self.user, f"--pwfile={password_file}",
                     "--auth-local=peer", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"]
                ),
                what="initdb",
            )  # fmt: skip
        finally:
            password_file.unlink(missing_ok=True)

    def start(self) -> int:
        """Starts the cluster; returns its pid once it accepts connections."""
        pg = postgres_bin()
        assert pg is not None
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.home} -c max_connections=300"
        )
        run_checked(
            as_postgres(
                [str(pg / "pg_ctl"), "-D", str(self.data), "-l", str(self.home / "postgres.log"),
                 "-o", options, "-w", "-t", "60", "start"]
            ),
            what="pg_ctl start",
        )  # fmt: skip
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def stop(self, mode: str = "fast") -> bool:
        """Whether a running cluster was stopped."""
        pg = postgres_bin()
        if pg is None or not (self.data / "postmaster.pid").exists():
            return False
        run_checked(
            as_postgres([str(pg / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"]),
            what="pg_ctl stop",
        )
        return True

    def create_databases(self, url: str, names: List[str]) -> None:
        """Creates each database in `names` that is missing, connected as `url` (the maintenance database)."""
        import psycopg2

        connection = psycopg2.connect(url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                for name in names:
                    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                    if cursor.fetchone() is None:
                        cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()
