"""The per-conversation ticket lock on a real Redis server: one turn at a time, in arrival order, across clients."""

from __future__ import annotations

import asyncio
import re
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore
from rasa.core.utils import AvailableEndpoints

from bot.config import PROJECT_ROOT
from bot.rasa_runtime.locks import ArrivalTicket, HelplineInMemoryLockStore, HelplineRedisLockStore, holding_turn
from ops.datastores import missing_binaries, redis_server_args, wait_for_redis
from ops.ports import free_port
from tests.support.waiting import wait_until_async
from tests.unavailable import unavailable


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory) -> Iterator[int]:
    if "redis-server" in missing_binaries():
        unavailable("the lock store tests need Debian's redis-server: run scripts/install-scale.sh")
    port = free_port()
    folder: Path = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        redis_server_args(port, folder), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    try:
        assert wait_for_redis(port, process), "redis-server did not start"
        yield port
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def new_store(redis_port):
    """Stores sharing one Redis key space, each with its own connection, as two replicas would have."""
    prefix = f"t{uuid.uuid4().hex[:8]}"
    return lambda: HelplineRedisLockStore(host="127.0.0.1", port=redis_port, db=0, key_prefix=prefix)


def tickets_in_redis(store: HelplineRedisLockStore) -> int:
    """How many tickets the conversation's lock holds: a message has queued once its ticket is stored."""
    lock = store.get_lock("person")
    return 0 if lock is None else len(lock.tickets)


def test_many_clients_never_hold_one_conversation_at_once_and_every_turn_gets_its_go(new_store):
    clients, turns = 6, 20
    inside, most, done, errors, most_started = [0], [0], [0], [], [0]
    guard = threading.Lock()

    def client() -> None:
        store = new_store()

        async def take_turns() -> None:
            for _ in range(turns):
                try:
                    async with store.lock("person", wait_time_in_seconds=0.005):
                        with guard:
                            inside[0] += 1
                            most[0] = max(most[0], inside[0])
                        # A round trip to Redis inside the turn (the other clients try to get in meanwhile).
                        lock = store.get_lock("person")
                        started = sum(isinstance(t, ArrivalTicket) and t.started for t in lock.tickets) if lock else 0
                        with guard:
                            most_started[0] = max(most_started[0], started)
                            inside[0] -= 1
                            done[0] += 1
                except LockError as error:
                    errors.append(error)

        asyncio.run(take_turns())

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "a client is still waiting for its ticket"
    assert errors == []
    assert most[0] == 1
    assert most_started[0] == 1, "Redis never shows two turns under way"
    assert done[0] == clients * turns
    assert new_store().get_lock("person") is None, "the last turn deletes the lock"


def test_turns_are_served_in_the_order_their_tickets_were_taken_whichever_client_took_them(new_store):
    replicas = [new_store(), new_store()]
    order: List[int] = []

    async def burst() -> None:
        everyone_queued = asyncio.Event()

        async def message(index: int) -> None:
            async with holding_turn(replicas[index % 2], "person"):
                order.append(index)
                if index == 0:
                    await everyone_queued.wait()

        tasks = []
        for index in range(5):
            tasks.append(asyncio.create_task(message(index)))
            await wait_until_async(lambda taken=index + 1: tickets_in_redis(replicas[0]) == taken, "the ticket")
        everyone_queued.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 30)

    asyncio.run(burst())
    assert order == [0, 1, 2, 3, 4]


def test_rasas_own_lock_inside_a_held_turn_goes_straight_through_without_a_second_ticket(new_store):
    store = new_store()

    async def turn() -> int:
        async with holding_turn(store, "person"):
            async with store.lock("person"):  # what Rasa's agent does inside the channel's turn
                lock = store.get_lock("person")
                assert lock is not None
                return len(lock.tickets)

    assert asyncio.run(asyncio.wait_for(turn(), 10)) == 1


def test_a_task_started_in_a_turn_that_outlives_it_queues_like_anyone_else(new_store):
    store, other_replica = new_store(), new_store()
    events: List[str] = []

    async def scenario() -> None:
        turn_over, other_has_it, late_entered = asyncio.Event(), asyncio.Event(), asyncio.Event()

        async def late() -> None:
            await turn_over.wait()
            await other_has_it.wait()
            async with store.lock("person", wait_time_in_seconds=0.01):
                events.append("late task")
            late_entered.set()

        async def other() -> None:
            async with holding_turn(other_replica, "person"):
                other_has_it.set()
                await wait_until_async(
                    lambda: tickets_in_redis(store) == 2 or "late task" in events, "the late task to queue or go in"
                )
                events.append("other replica done")

        async with holding_turn(store, "person"):
            late_task = asyncio.create_task(late())
        turn_over.set()
        await asyncio.gather(other(), late_task)
        assert late_entered.is_set()

    asyncio.run(asyncio.wait_for(scenario(), 20))
    assert events == ["other replica done", "late task"]


def test_another_conversation_is_not_held_up_by_a_turn(new_store):
    store = new_store()

    async def turns() -> None:
        async with holding_turn(store, "person"):
            async with holding_turn(store, "someone else"):
                assert len(store.get_lock("someone else").tickets) == 1

    asyncio.run(asyncio.wait_for(turns(), 10))


def test_a_lock_left_by_a_replica_that_died_expires_from_redis(new_store):
    store = new_store()
    store.issue_ticket("person")  # and never given back
    ttl_ms = store.red.pttl(store.key_prefix + "person")
    assert 0 < ttl_ms <= 2 * LOCK_LIFETIME * 1000


def test_an_unreachable_redis_is_a_lock_error_which_the_channels_answer_with_try_again():
    store = HelplineRedisLockStore(host="127.0.0.1", port=free_port(), socket_timeout=1)

    async def turn() -> None:
        async with holding_turn(store, "person"):
            raise AssertionError("must not be reached")

    with pytest.raises(LockError):
        asyncio.run(turn())


def test_in_memory_store_is_reentrant_too():
    store = HelplineInMemoryLockStore()

    async def turn() -> None:
        async with holding_turn(store, "person"):
            async with store.lock("person"):
                assert len(store.get_lock("person").tickets) == 1

    asyncio.run(asyncio.wait_for(turn(), 10))
    assert store.get_lock("person") is None


def test_a_stock_store_is_not_locked_early_so_rasas_own_lock_still_works():
    store = InMemoryLockStore()

    async def turn() -> None:
        async with holding_turn(store, "person"):
            async with store.lock("person"):
                pass

    asyncio.run(asyncio.wait_for(turn(), 10))


def read_endpoints(path: Path, monkeypatch, **env: str) -> AvailableEndpoints:
    """The endpoints file as Rasa reads it, with placeholder values for the variables this test does not need."""
    for name in re.findall(r"\$\{(\w+)\}", path.read_text()):
        monkeypatch.setenv(name, env.get(name, "unused"))
    return AvailableEndpoints.read_endpoints(str(path))


def test_both_profiles_configure_the_helpline_lock_stores(redis_port, monkeypatch):
    embedded = read_endpoints(PROJECT_ROOT / "endpoints.yml", monkeypatch)
    assert type(LockStore.create(embedded.lock_store)) is HelplineInMemoryLockStore

    scaled = read_endpoints(
        PROJECT_ROOT / "config" / "scale" / "endpoints.yml",
        monkeypatch, REDIS_HOST="127.0.0.1", REDIS_PORT=str(redis_port), LOCK_STORE_REDIS_DB="2",
    )  # fmt: skip
    store = LockStore.create(scaled.lock_store)
    assert type(store) is HelplineRedisLockStore
    assert store.red.connection_pool.connection_kwargs["port"] == redis_port
    assert store.red.connection_pool.connection_kwargs["db"] == 2
    assert store.key_prefix.startswith("helpline:")


def test_a_message_that_reached_the_lock_late_still_goes_before_later_arrivals(new_store):
    """A busy replica registers its message late; the arrival stamp from the load balancer puts it back in line."""
    replica_a, replica_b = new_store(), new_store()
    order: List[str] = []

    async def burst() -> None:
        t = time.time()
        everyone_queued = asyncio.Event()

        async def message(store: HelplineRedisLockStore, name: str, arrived: float) -> None:
            async with holding_turn(store, "person", arrived):
                order.append(name)
                if name == "first":
                    await everyone_queued.wait()

        first = asyncio.create_task(message(replica_a, "first", t))
        await wait_until_async(lambda: order == ["first"], "the first message's turn")
        third = asyncio.create_task(message(replica_b, "third", t + 2))
        await wait_until_async(lambda: tickets_in_redis(replica_a) == 2, "the third message's ticket")
        # The second message's replica was busy: it registers after the third.
        second = asyncio.create_task(message(replica_a, "second", t + 1))
        await wait_until_async(lambda: tickets_in_redis(replica_a) == 3, "the second message's ticket")
        everyone_queued.set()
        await asyncio.wait_for(asyncio.gather(first, second, third), 30)

    asyncio.run(burst())
    assert order == ["first", "second", "third"]


def test_a_turn_under_way_is_never_overtaken_by_an_earlier_stamp(new_store):
    store = new_store()
    entered: List[str] = []

    async def scenario() -> None:
        now = time.time()
        running_started, release = asyncio.Event(), asyncio.Event()

        async def running() -> None:
            async with holding_turn(store, "person", now):
                entered.append("running")
                running_started.set()
                await release.wait()
                entered.append("running done")

        async def earlier() -> None:
            async with holding_turn(store, "person", now - 1):
                entered.append("earlier stamp")

        task = asyncio.create_task(running())
        await running_started.wait()
        late = asyncio.create_task(earlier())
        # Queued, and refused the turn: a ticket that could start does so in the same step it is stored.
        await wait_until_async(
            lambda: tickets_in_redis(store) == 2 or "earlier stamp" in entered, "the earlier-stamped message's ticket"
        )
        release.set()
        await asyncio.wait_for(asyncio.gather(task, late), 10)

    asyncio.run(scenario())
    assert entered == ["running", "running done", "earlier stamp"]


def test_tickets_written_by_stock_rasa_are_read_and_served_in_turn(new_store):
    """A replica still on Rasa's own lock store during a rolling upgrade writes tickets without stamps."""
    store = new_store()
    stock = TicketLock("person")
    stock.issue_ticket(LOCK_LIFETIME)
    store.red.set(store.key_prefix + "person", stock.dumps())
    ticket = store.issue_ticket("person")
    lock = store.get_lock("person")
    assert [t.number for t in lock.tickets] == [0, ticket] and ticket == 1
    store.cleanup("person", 0)
    assert asyncio.run(asyncio.wait_for(store._acquire_lock("person", ticket, 0.01), 5)) is not None
