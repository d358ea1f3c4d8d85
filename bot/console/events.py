"""The live feed: Server-Sent Events read from the handoff_events table, so every process sees every change."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, Optional, Sequence

from bot.handoff.service import EventView

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.25
KEEPALIVE_SECONDS = 15.0
RECHECK_SECONDS = 60.0
RETRY_MILLISECONDS = 3000
BATCH = 200
ERROR_BACKOFF_SECONDS = 2.0

FetchSince = Callable[[int], Sequence[EventView]]
LatestId = Callable[[], int]
SignedOutReason = Callable[[], Awaitable[Optional[str]]]


def event_json(event: EventView) -> Dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "handoff_id": event.handoff_id,
        "actor": event.actor,
        "kind": event.kind,
        "detail": event.detail,
    }


def frame(event: str, data: Dict[str, Any], event_id: Optional[int] = None) -> str:
    """One SSE message; json.dumps never emits a newline, so `data:` stays on one line."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def parse_last_event_id(raw: Optional[str]) -> Optional[int]:
    """The id a reconnecting EventSource resumes after; None when absent, ValueError when not an id."""
    if raw is None or not raw.strip():
        return None
    value = raw.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise ValueError("Last-Event-ID must be a whole number")
    return int(value)


async def event_stream(
    fetch_since: FetchSince,
    latest_id: LatestId,
    resume_after: Optional[int],
    signed_out: SignedOutReason,
    *,
    poll_seconds: float = POLL_SECONDS,
    keepalive_seconds: float = KEEPALIVE_SECONDS,
    recheck_seconds: float = RECHECK_SECONDS,
    monotonic: Callable[[], float] = time.monotonic,
) -> AsyncIterator[str]:
    """Yields SSE text: a `ready` message with the starting id, then each event, with keepalive comments.

    Blocking database calls run in worker threads so one slow query never stalls other nurses' streams.
    Ends (after a `signed-out` message) when the nurse's session stops being valid.
    """
    last = resume_after if resume_after is not None else await asyncio.to_thread(latest_id)
    yield f"retry: {RETRY_MILLISECONDS}\n" + frame("ready", {"last_event_id": last}, last)
    sent_at = checked_at = monotonic()
    failing = False
    while True:
        try:
            events = await asyncio.to_thread(fetch_since, last)
        except Exception:
            if not failing:
                logger.exception("reading handoff events failed; retrying")
            failing = True
            events = []
            await asyncio.sleep(ERROR_BACKOFF_SECONDS)
        else:
            failing = False
        for event in events:
            yield frame("handoff", event_json(event), event.id)
            last = event.id
        now = monotonic()
        if events:
            sent_at = now
        elif now - sent_at >= keepalive_seconds:
            yield ": keepalive\n\n"
            sent_at = now
        if now - checked_at >= recheck_seconds:
            checked_at = now
            try:
                reason = await signed_out()
            except Exception:
                logger.exception("re-checking the session failed; keeping the stream open")
                reason = None
            if reason:
                yield frame("signed-out", {"error": reason})
                return
        if len(events) < BATCH:
            await asyncio.sleep(poll_seconds)
