"""Rasa's per-conversation ticket lock, safe across replicas, in order of arrival, taken as a message arrives.

Stock `RedisLockStore` reads the lock, changes it in Python and writes it back with no
transaction. Two replicas doing that at once lose a ticket (its holder then waits until the
lock is deleted under it and gets a `LockError`, which Rasa's REST channel answers with an
empty list: seen in CI) or hand out the same ticket twice (two turns of one conversation at
once). Here every change is one Redis transaction (WATCH/MULTI/EXEC through redis-py's
`Redis.transaction`, which retries when another client changed the key meanwhile).

Tickets queue by when their message reached the load balancer (nginx's X-Request-Start),
not by when they reached Redis: a replica whose event loop is busy with another turn
registers a message late, and must not let a later message go first.

The stores are re-entrant within one asyncio task, so a channel can take the conversation's
turn the moment a message arrives (`holding_turn`) and keep it through the handoff gate;
Rasa's own `lock()` inside that turn then goes straight through instead of queueing behind
its own caller.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import time
from collections import deque
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable, Dict, Optional, Tuple, TypeVar, cast

from rasa.core.lock import NO_TICKET_ISSUED, Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
# What a lock becomes (None: deleted), and what to return, given what is stored now.
Change = Callable[[Optional["ArrivalOrderLock"]], Tuple[Optional["ArrivalOrderLock"], T]]

# How often a queued message looks again whether its turn has come (Rasa's default is 1 s).
ARRIVAL_ORDER_POLL_SECONDS = 0.05


@dataclass
class _Holding:
    store: int
    conversation_id: str
    lock: TicketLock
    active: bool = True


# The conversations whose ticket this task (or the task that started it) holds. A task
# created inside a turn inherits the value; `active` turns false when the turn ends, so such
# a task that outlives the turn queues like anyone else.
_held: contextvars.ContextVar[Tuple[_Holding, ...]] = contextvars.ContextVar("helpline_held_locks", default=())


class ArrivalTicket(Ticket):
    """Rasa's ticket, with when its message arrived and whether its turn has started."""

    def __init__(self, number: int, expires: float, arrived: float = 0.0, started: bool = False) -> None:
        super().__init__(number, expires)
        self.arrived = arrived
        self.started = started

    def as_dict(self) -> Dict[str, Any]:
        return {**super().as_dict(), "arrived": self.arrived, "started": self.started}

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> ArrivalTicket:
        return cls(data["number"], data["expires"], data.get("arrived", 0.0), data.get("started", False))


class ArrivalOrderLock(TicketLock):
    """Tickets wait in the order their messages arrived, not the order they reached the lock store.

    A replica whose event loop is busy takes a message's ticket late; ordered by arrival, that
    message still goes before a later one that another replica registered first.
    """

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> ArrivalOrderLock:
        tickets = [ArrivalTicket.from_dict(json.loads(ticket)) for ticket in data.get("tickets", [])]
        return cls(data.get("conversation_id", ""), deque(tickets))

    @property
    def last_issued(self) -> int:
        self.remove_expired_tickets()
        return max((ticket.number for ticket in self.tickets), default=NO_TICKET_ISSUED)

    def issue_ticket(self, lifetime: float, arrived: Optional[float] = None) -> int:
        number = self.last_issued + 1
        ticket = ArrivalTicket(number, time.time() + lifetime, time.time() if arrived is None else arrived)
        position = len(self.tickets)
        while (
            position > 0
            and not self._ticket(position - 1).started
            and self._ticket(position - 1).arrived > ticket.arrived
        ):
            position -= 1
        self.tickets.insert(position, ticket)
        return number

    def start(self, number: int) -> bool:
        """Starts the ticket's turn if it is first in line (and no turn is under way); False if it must wait."""
        self.remove_expired_tickets()
        if not self.tickets or self.tickets[0].number != number:
            return False
        self._ticket(0).started = True
        return True

    def _ticket(self, index: int) -> ArrivalTicket:
        return cast(ArrivalTicket, self.tickets[index])  # from_dict and issue_ticket make no other kind


class HelplineLocks(LockStore):
    """Every lock change is one `_change` (atomic per store); turns start in arrival order; `lock()` is re-entrant."""

    def _change(self, conversation_id: str, change: Change[T]) -> T:
        """Reads the lock, lets `change` say what it becomes (None: deleted) and stores that, all or nothing."""
        raise NotImplementedError

    @staticmethod
    def create_lock(conversation_id: str) -> ArrivalOrderLock:
        return ArrivalOrderLock(conversation_id)

    def issue_ticket(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, arrived: Optional[float] = None
    ) -> int:
        return self._take_ticket(conversation_id, lock_lifetime, arrived, start=False)[0]

    def _take_ticket(
        self, conversation_id: str, lock_lifetime: float, arrived: Optional[float], start: bool = True
    ) -> Tuple[int, Optional[ArrivalOrderLock]]:
        """Issues a ticket and, when nobody is ahead of it, starts its turn in the same step (the usual case)."""

        def issue(
            lock: Optional[ArrivalOrderLock],
        ) -> Tuple[Optional[ArrivalOrderLock], Tuple[int, Optional[ArrivalOrderLock]]]:
            lock = lock or self.create_lock(conversation_id)
            number = lock.issue_ticket(lock_lifetime, arrived)
            return lock, (number, lock if start and lock.start(number) else None)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: Optional[ArrivalOrderLock]) -> Tuple[Optional[ArrivalOrderLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def give_back(lock: Optional[ArrivalOrderLock]) -> Tuple[Optional[ArrivalOrderLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, give_back)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Gives the ticket back and deletes the lock only if nobody else holds a ticket, in one step."""

        def give_back(lock: Optional[ArrivalOrderLock]) -> Tuple[Optional[ArrivalOrderLock], None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, give_back)

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        def try_start(
            lock: Optional[ArrivalOrderLock],
        ) -> Tuple[Optional[ArrivalOrderLock], Tuple[bool, Optional[ArrivalOrderLock]]]:
            return lock, ((False, None) if lock is None else (lock.start(ticket), lock))

        while True:
            started, lock = self._change(conversation_id, try_start)
            if lock is None:
                break  # the lock expired and went
            if started:
                return lock
            await asyncio.sleep(wait_time_in_seconds)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")

    def _holding(self, conversation_id: str) -> Optional[_Holding]:
        for holding in _held.get():
            if holding.active and holding.store == id(self) and holding.conversation_id == conversation_id:
                return holding
        return None

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
        arrived: Optional[float] = None,
    ) -> AsyncIterator[TicketLock]:
        """Rasa's lock, but passing straight through for a conversation whose turn this task already holds."""
        held = self._holding(conversation_id)
        if held is not None:
            yield held.lock
            return
        ticket, started = self._take_ticket(conversation_id, lock_lifetime, arrived)
        try:
            ticket_lock = started or await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
            holding = _Holding(id(self), conversation_id, ticket_lock)
            token = _held.set((*_held.get(), holding))
            try:
                yield ticket_lock
            finally:
                holding.active = False
                _held.reset(token)
        finally:
            self.cleanup(conversation_id, ticket)


class HelplineInMemoryLockStore(HelplineLocks, InMemoryLockStore):
    """The embedded default: Rasa's in-memory lock store (changes are atomic: nothing awaits between read and write)."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None) -> None:
        super().__init__()

    def _change(self, conversation_id: str, change: Change[T]) -> T:
        new, result = change(cast(Optional[ArrivalOrderLock], self.conversation_locks.get(conversation_id)))
        if new is None:
            self.conversation_locks.pop(conversation_id, None)
        else:
            self.conversation_locks[conversation_id] = new
        return result


class HelplineRedisLockStore(HelplineLocks, RedisLockStore):
    """Rasa's Redis lock store with every read-change-write done as one Redis transaction."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {**endpoint_config.kwargs, **kwargs}
            if endpoint_config.url:
                kwargs.setdefault("host", endpoint_config.url)
        super().__init__(**kwargs)

    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        stored = self.red.get(self.key_prefix + conversation_id)
        return ArrivalOrderLock.from_dict(json.loads(stored)) if stored else None

    def _change(self, conversation_id: str, change: Change[T]) -> T:
        key = self.key_prefix + conversation_id

        def attempt(pipe: Any) -> T:
            stored = pipe.get(key)  # immediate: the key is WATCHed
            new, result = change(ArrivalOrderLock.from_dict(json.loads(stored)) if stored else None)
            pipe.multi()
            if new is None:
                if stored:
                    pipe.delete(key)
            elif stored and new.dumps() == stored.decode():
                pass  # a queued message looking again: writing would only make the others' WATCH retry
            else:
                # The key outlives its last ticket by a minute at most: a replica that died
                # holding a ticket leaves nothing behind for ever.
                pipe.set(key, new.dumps(), px=_milliseconds_left(new))
            return result

        return self.red.transaction(attempt, key, value_from_callable=True)


def _milliseconds_left(lock: TicketLock) -> int:
    latest = max((ticket.expires for ticket in lock.tickets), default=time.time())
    return max(1, int((latest - time.time() + LOCK_LIFETIME) * 1000))


@asynccontextmanager
async def holding_turn(
    lock_store: Optional[LockStore], conversation_id: str, arrived: Optional[float] = None
) -> AsyncIterator[None]:
    """Holds the conversation's turn for everything done with one message, queued by when it `arrived`.

    Only the helpline's stores are locked here: with any other, Rasa's own lock inside the
    turn would wait for this one for ever.
    """
    if not isinstance(lock_store, HelplineLocks):
        yield
        return
    async with lock_store.lock(conversation_id, wait_time_in_seconds=ARRIVAL_ORDER_POLL_SECONDS, arrived=arrived):
        yield
