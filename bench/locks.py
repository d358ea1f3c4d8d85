"""`make bench-locks`: Rasa's Redis lock store against ours, on a real Redis server, in one run.

Two figures per store: the time one uncontended turn spends in the lock (ticket, start,
give back), and a contended run in which several clients, each with its own connection as
replicas have, take turns on one conversation. The contended run counts turns completed,
turns that ran at the same time as another, and turns that ended in a LockError.
Writes the table between the `locks:start`/`locks:end` markers of BENCHMARKS.md and prints it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from rasa.core.lock_store import LockError, LockStore, RedisLockStore

from bench.report import write_block
from bot.rasa_runtime.locks import HelplineRedisLockStore
from ops.datastores import missing_binaries, redis_server_args, wait_for_redis
from ops.ports import free_port

STORES: Dict[str, Callable[..., LockStore]] = {
    "Rasa `type: redis`": RedisLockStore,
    "ours (bot.rasa_runtime.locks.HelplineRedisLockStore)": HelplineRedisLockStore,
}


def uncontended_ms(store: LockStore, turns: int) -> List[float]:
    """Milliseconds per turn spent in the lock alone, one conversation per turn."""

    async def run() -> List[float]:
        times = []
        for turn in range(turns):
            started = time.perf_counter()
            async with store.lock(f"alone-{turn}"):
                pass
            times.append((time.perf_counter() - started) * 1000)
        return times

    return asyncio.run(run())


def contended(make: Callable[[], LockStore], clients: int, turns: int, deadline: float) -> Dict[str, float]:
    """Clients in threads, each with its own store and event loop, taking turns on one conversation."""
    guard = threading.Lock()
    state = {"inside": 0, "overlaps": 0, "done": 0, "errors": 0}
    conversation = f"burst-{time.time_ns()}"

    def client() -> None:
        store = make()

        async def take_turns() -> None:
            for _ in range(turns):
                if time.monotonic() > deadline:
                    return
                try:
                    async with store.lock(conversation, lock_lifetime=5, wait_time_in_seconds=0.005):
                        with guard:
                            state["inside"] += 1
                            state["overlaps"] += state["inside"] > 1
                        await asyncio.sleep(0.001)
                        with guard:
                            state["inside"] -= 1
                            state["done"] += 1
                except LockError:
                    with guard:
                        state["errors"] += 1

        try:
            asyncio.run(take_turns())
        except Exception:
            if time.monotonic() < deadline:
                raise  # a hung client dies quietly when Redis stops at the end of the run

    started = time.monotonic()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + 10)
    hung = sum(thread.is_alive() for thread in threads)
    return {**state, "hung": hung, "seconds": time.monotonic() - started}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=2000, help="uncontended turns per store")
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--contended-turns", type=int, default=30, help="turns per client in the contended run")
    parser.add_argument("--limit", type=float, default=60, help="seconds before a contended run is called hung")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    if "redis-server" in missing_binaries():
        print("bench-locks needs Debian's redis-server: run scripts/install-scale.sh", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="helpline-bench-locks-") as folder:
        port = free_port()
        redis = subprocess.Popen(redis_server_args(port, Path(folder)), stdout=subprocess.DEVNULL)
        try:
            if not wait_for_redis(port, redis):
                print("redis-server did not start", file=sys.stderr)
                return 1
            lines = [
                f"Command: `make bench-locks` ({args.turns} uncontended turns per store; "
                f"{args.clients} clients x {args.contended_turns} turns on one conversation, "
                f"called hung after {args.limit:.0f} s)",
                "",
                "| lock store | ms per uncontended turn (median / p95) | contended: turns done | "
                "ran alongside another | LockError | clients hung | contended run (s) |",
                "| --- | --- | --- | --- | --- | --- | --- |",
            ]
            for index, (name, cls) in enumerate(STORES.items()):

                def make(
                    store: Callable[..., LockStore] = cls, prefix: str = f"bench{index}{time.time_ns()}"
                ) -> LockStore:
                    return store(host="127.0.0.1", port=port, db=0, key_prefix=prefix)

                times = uncontended_ms(make(), args.turns)
                p95 = statistics.quantiles(times, n=20)[-1]
                result = contended(make, args.clients, args.contended_turns, time.monotonic() + args.limit)
                lines.append(
                    f"| {name} | {statistics.median(times):.2f} / {p95:.2f} | "
                    f"{result['done']} of {args.clients * args.contended_turns} | {result['overlaps']} | "
                    f"{result['errors']} | {result['hung']} | {result['seconds']:.0f} |"
                )
            table = "\n".join(lines)
            print(table)
            if not args.no_write:
                write_block("locks", table, "Lock store under contention")
        finally:
            redis.terminate()
            redis.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
