"""The console's live events: the stream over real HTTP, and its generator on its own."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time

import pytest
import requests
from sqlalchemy.exc import OperationalError

from bot.console import events as events_module
from bot.console.events import event_stream, parse_last_event_id
from bot.handoff.service import EventView
from tests.bot.console.conftest import SseReader, sign_in, waiting

# ----- live events -----


def _stream(console_server, client: requests.Session, **headers) -> requests.Response:
    return client.get(f"{console_server.url}/api/events", headers=headers, stream=True, timeout=(5, 30))


def test_events_deliver_a_new_waiting_person_within_a_second(console_server, nurse, handoff_service):
    client = sign_in(console_server.url, nurse)
    with _stream(console_server, client) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        with SseReader(response) as reader:
            ready = reader.wait_for(lambda m: m.event == "ready", timeout=5)
            assert ready.json()["last_event_id"] == handoff_service.latest_event_id()

            handoff = waiting(handoff_service, priority="urgent")
            started = time.monotonic()
            created = reader.wait_for(
                lambda m: m.event == "handoff" and m.json()["handoff_id"] == handoff and m.json()["kind"] == "created",
                timeout=1.0,
            )
            assert time.monotonic() - started < 1.0
            event = created.json()
            assert created.id == str(event["id"])
            assert event["actor"] == "person" and event["detail"]["priority"] == "urgent"

            handoff_service.claim(handoff, nurse.id)
            claimed = reader.wait_for(lambda m: m.event == "handoff" and m.json()["kind"] == "claimed", timeout=2)
            assert claimed.json()["handoff_id"] == handoff


def test_events_resume_after_last_event_id(console_server, nurse, handoff_service):
    before = handoff_service.latest_event_id()
    handoff = waiting(handoff_service)
    client = sign_in(console_server.url, nurse)
    with _stream(console_server, client, **{"Last-Event-ID": str(before)}) as response:
        with SseReader(response) as reader:
            assert reader.wait_for(lambda m: m.event == "ready", timeout=5).json()["last_event_id"] == before
            replayed = reader.wait_for(lambda m: m.event == "handoff", timeout=2).json()
            assert replayed["id"] == before + 1
            assert replayed["handoff_id"] == handoff and replayed["kind"] == "created"


def test_events_refuse_a_bad_last_event_id_and_no_token(console_server, nurse):
    client = sign_in(console_server.url, nurse)
    bad = client.get(f"{console_server.url}/api/events", headers={"Last-Event-ID": "yesterday"}, timeout=10)
    assert bad.status_code == 400 and "Last-Event-ID" in bad.json()["error"]
    anonymous = requests.get(f"{console_server.url}/api/events", timeout=10)
    assert anonymous.status_code == 401 and anonymous.json() == {"error": "Please sign in."}


# ----- the stream generator on its own (keepalive, sign-out and database hiccups without waiting 15 s) -----


class FakeEvents:
    def __init__(self, events=()):
        self.events = list(events)
        self.failures = 0

    def since(self, last: int):
        if self.failures:
            self.failures -= 1
            raise OperationalError("SELECT", {}, Exception("database is locked"))
        return [event for event in self.events if event.id > last]

    def latest(self) -> int:
        return max((event.id for event in self.events), default=0)


def _event(number: int) -> EventView:
    return EventView(number, dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc), 7, "person", "created", {})


def _take(stream, count: int, timeout: float = 5) -> list[str]:
    async def take() -> list[str]:
        chunks = []
        async for chunk in stream:
            chunks.append(chunk)
            if len(chunks) == count:
                break
        return chunks

    return asyncio.run(asyncio.wait_for(take(), timeout))


async def _still_signed_in():
    return None


def test_the_stream_starts_ready_then_sends_keepalive_comments_when_idle():
    fake = FakeEvents([_event(1), _event(2)])
    stream = event_stream(fake.since, fake.latest, None, _still_signed_in, poll_seconds=0.01, keepalive_seconds=0.05)
    ready, keepalive = _take(stream, 2)
    assert ready == 'retry: 3000\nid: 2\nevent: ready\ndata: {"last_event_id":2}\n\n'
    assert keepalive == ": keepalive\n\n"


def test_the_stream_resumes_after_an_id_and_frames_each_event():
    fake = FakeEvents([_event(1), _event(2), _event(3)])
    stream = event_stream(fake.since, fake.latest, 1, _still_signed_in, poll_seconds=0.01)
    ready, second, third = _take(stream, 3)
    assert "id: 1\nevent: ready" in ready
    assert second.startswith("id: 2\nevent: handoff\ndata: ") and second.endswith("\n\n")
    assert json.loads(second.split("data: ", 1)[1]) == {
        "id": 2,
        "at": "2026-11-23T10:00:00+00:00",
        "handoff_id": 7,
        "actor": "person",
        "kind": "created",
        "detail": {},
    }
    assert third.startswith("id: 3\n")


def test_the_stream_ends_with_signed_out_when_the_session_stops_being_valid():
    async def deactivated():
        return "This account is not active. Please ask an administrator."

    fake = FakeEvents()
    stream = event_stream(fake.since, fake.latest, None, deactivated, poll_seconds=0.01, recheck_seconds=0)
    chunks = _take(stream, 10)
    assert len(chunks) == 2
    assert (
        chunks[1] == 'event: signed-out\ndata: {"error":"This account is not active. Please ask an administrator."}\n\n'
    )


def test_the_stream_survives_a_database_hiccup(monkeypatch):
    monkeypatch.setattr(events_module, "ERROR_BACKOFF_SECONDS", 0.01)
    fake = FakeEvents([_event(5)])
    fake.failures = 2
    stream = event_stream(fake.since, lambda: 4, None, _still_signed_in, poll_seconds=0.01)
    ready, delivered = _take(stream, 2)
    assert "id: 4" in ready and delivered.startswith("id: 5\n")


@pytest.mark.parametrize("raw, expected", [(None, None), ("", None), ("  ", None), ("0", 0), ("42", 42)])
def test_last_event_id_parsing(raw, expected):
    assert parse_last_event_id(raw) == expected


@pytest.mark.parametrize("raw", ["-1", "abc", "1.0", "\u0661", "9" * 19])
def test_last_event_id_that_is_not_an_id(raw):
    with pytest.raises(ValueError):
        parse_last_event_id(raw)


def test_a_failing_session_check_does_not_end_the_stream():
    async def flaky():
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    fake = FakeEvents([_event(1)])
    stream = event_stream(fake.since, lambda: 0, None, flaky, poll_seconds=0.01, recheck_seconds=0)
    ready, delivered = _take(stream, 2)
    assert "id: 0" in ready and delivered.startswith("id: 1\n")
