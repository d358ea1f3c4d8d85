"""The handoff sweep: what changes with time alone, checked every `HELPLINE_SWEEP_SECONDS` by each Rasa process.

- Closing time: everyone still waiting for a live chat when the helpline closes is told so, and their
  conversation becomes a message left out of hours, with its transcript.
- Abandoned chats: a waiting person gone too long leaves the live queue (bot/handoff/presence.py).
- Stuck claims: back to the queue when their nurse is gone (bot/handoff/claims.py).
- Queue moves: each waiting person whose place changed is told (bot/handoff/queue_notices.py).
- Urgent chats left unclaimed: alerted again to the available nurses (bot/handoff/urgent_alerts.py).

Every change is a guarded update, so several processes sweeping at once make each change once.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Callable, Dict

from sqlalchemy import select, update

from bot.background import BackgroundLoop
from bot.handoff.journey import Journey
from bot.handoff.models import Handoff, HandoffMessage, Kind, State
from bot.handoff.notices import notice, reply_after
from bot.handoff.urgent_alerts import realert_unclaimed
from bot.models import Author

logger = logging.getLogger(__name__)

CLOSED = "utter_handoff_helpline_closed"
NOTE_CLOSING = "utter_note_closing_time"


def close_queue(journey: Journey) -> int:
    """Out of opening hours, waiting live chats become left messages; returns how many."""
    service = journey.service
    now = journey.now()
    if journey.hours.is_open(now):
        return 0
    with service._sessions() as session:
        waiting = (
            session.execute(select(Handoff.id).where(Handoff.state == State.WAITING, Handoff.kind == Kind.LIVE))
            .scalars()
            .all()
        )
    closed = 0
    for handoff_id in waiting:
        with service._sessions() as session, session.begin():
            changed = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.state == State.WAITING, Handoff.kind == Kind.LIVE)
                .values(kind=Kind.MESSAGE)
                .execution_options(synchronize_session=False)
            ).rowcount
            if changed != 1:
                continue
            handoff = session.get(Handoff, handoff_id)
            session.refresh(handoff)
            note = journey.wording.text(NOTE_CLOSING)
            session.add(HandoffMessage(handoff_id=handoff_id, author=Author.SYSTEM, text=note, created_at=now))
            for said in (
                notice(journey.wording, CLOSED, handoff.channel),
                reply_after(journey.wording, journey.hours, now, handoff.channel),
            ):
                service._enqueue(session, handoff, Author.SYSTEM, said.text, buttons=said.buttons)
                session.add(HandoffMessage(handoff_id=handoff_id, author=Author.BOT, text=said.text, created_at=now))
            service._event(session, "closed_to_message", Author.SYSTEM, handoff_id)
            closed += 1
    return closed


@dataclass(frozen=True)
class Swept:
    closed: int = 0
    abandoned: int = 0
    released: int = 0
    told: int = 0
    realerted: int = 0


class HandoffSweeper(BackgroundLoop):
    def __init__(self, journey_provider: Callable[[], Journey]):
        self._journey_provider = journey_provider

    def sweep_once(self) -> Swept:
        journey = self._journey_provider()
        return Swept(
            closed=close_queue(journey),
            abandoned=journey.presence.abandon_idle(),
            released=journey.claims.release_stuck(),
            told=journey.queue_notices.tell_moves(),
            realerted=realert_unclaimed(journey.service, journey.times.urgent_realert),
        )

    async def run(self) -> None:
        while True:
            try:
                swept = await asyncio.to_thread(self.sweep_once)
                if swept != Swept():
                    logger.info("handoff sweep: %s", swept)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the database may be briefly unavailable; keep sweeping
                logger.warning("handoff sweep failed: %s", type(error).__name__)
            await asyncio.sleep(self._journey_provider().times.sweep_seconds)


_SWEEPERS: Dict[int, HandoffSweeper] = {}  # one per event loop (server), however many channels attach


def attach(blueprint: Any, journey_provider: Callable[[], Journey]) -> None:
    """Runs the sweep while the server that serves `blueprint` runs; several channels may attach, one sweep runs."""

    @blueprint.listener("after_server_start")
    async def start_sweeping(app: Any, loop: Any) -> None:
        key = id(asyncio.get_running_loop())
        if key not in _SWEEPERS:
            _SWEEPERS[key] = HandoffSweeper(journey_provider)
            _SWEEPERS[key].start()

    @blueprint.listener("before_server_stop")
    async def stop_sweeping(app: Any, loop: Any) -> None:
        sweeper = _SWEEPERS.pop(id(asyncio.get_running_loop()), None)
        if sweeper is not None:
            await sweeper.stop()
