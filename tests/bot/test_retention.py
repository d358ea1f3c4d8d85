"""Retention deletes exactly what is older than the cut-off, keeps anonymous counts, spares content."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func, select, text

from bot.content.importer import import_content
from bot.content.models import Entry
from bot.db import make_engine
from bot.handoff.models import Handoff, HandoffEvent, HandoffMessage, HandoffNote, OutboxMessage
from bot.handoff.notes import HandoffNotes
from bot.rasa_runtime.tracker_store import RedactingSQLTrackerStore
from bot.retention import run_retention
from bot.retention_models import UsageCount
from tests.conftest import CONTENT_DIR

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc)


def save_conversation(store, sender: str, when: dt.datetime) -> None:
    ts = when.timestamp()
    tracker = DialogueStateTracker.from_events(
        sender,
        [
            UserUttered("what is recurrence", {"name": "ask_what_is_recurrence"}, timestamp=ts),
            BotUttered("...", timestamp=ts + 1),
        ],
    )
    asyncio.run(store.save(tracker))


def count(factory, model) -> int:
    with factory() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def tracker(tmp_path):
    store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    return store, make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")


def test_deletes_exactly_what_is_older_than_the_cut_off(session_factory, service, clock, nurses, tracker):
    store, tracker_engine = tracker
    import_content(session_factory, CONTENT_DIR)
    entries_before = count(session_factory, Entry)
    save_conversation(store, "old-conversation", NOW - dt.timedelta(days=91))
    save_conversation(store, "new-conversation", NOW - dt.timedelta(days=89))

    clock.now = NOW - dt.timedelta(days=91)
    old = service.request("old", "rest", "asked", priority="urgent", transcript=[("person", "hi")]).handoff
    service.claim(old.id, nurses[0].id)
    service.reply(old.id, nurses[0].id, "hello")
    HandoffNotes(service).add(old.id, nurses[0].id, "she is worried about her scan")
    clock.now = NOW - dt.timedelta(days=89)
    new = service.request("new", "rest", "asked", transcript=[("person", "hello")]).handoff
    service.leave_message("new-msg", "rest", "call me")

    report = run_retention(session_factory, tracker_engine, NOW, days=90)

    assert (report.conversations, report.tracker_events, report.handoffs) == (1, 2, 1)
    assert report.handoff_notes == 1  # nurses' internal notes go with their conversation
    with tracker_engine.connect() as connection:
        senders = {r[0] for r in connection.execute(text("SELECT DISTINCT sender_id FROM events"))}
    assert senders == {"new-conversation"}
    with session_factory() as session:
        assert {h.id for h in session.execute(select(Handoff)).scalars()} == {new.id, new.id + 1}
        assert session.execute(select(HandoffMessage).where(HandoffMessage.handoff_id == old.id)).first() is None
        assert session.execute(select(HandoffNote)).first() is None
        assert session.execute(select(OutboxMessage).where(OutboxMessage.handoff_id == old.id)).first() is None
        assert session.execute(select(HandoffEvent).where(HandoffEvent.handoff_id == old.id)).first() is None
        assert session.execute(select(func.count()).select_from(HandoffEvent)).scalar_one() == 2  # the new ones
        counts = {(c.day, c.kind, c.detail): c.count for c in session.execute(select(UsageCount)).scalars()}
    old_day = (NOW - dt.timedelta(days=91)).date()
    assert counts == {  # the reports' facts (bot/reports/facts.py), with no conversation id or text
        (old_day, "conversations", "unknown|10"): 1,  # saved without a channel; first message at 10:00
        (old_day, "user_messages", "unknown|10"): 1,
        (old_day, "handoffs", "live|urgent|claimed|rest"): 1,
        (old_day, "waits", "live|urgent|0"): 1,
        (old_day, "nurse_claims", str(nurses[0].id)): 1,
        (old_day, "nurse_replies", str(nurses[0].id)): 1,
    }
    assert count(session_factory, Entry) == entries_before  # the content store is untouched


def test_running_twice_deletes_nothing_more_and_counts_once(session_factory, tracker):
    store, tracker_engine = tracker
    save_conversation(store, "old", NOW - dt.timedelta(days=200))
    run_retention(session_factory, tracker_engine, NOW, days=90)
    again = run_retention(session_factory, tracker_engine, NOW, days=90)
    assert (again.conversations, again.handoffs) == (0, 0)
    with session_factory() as session:
        assert [
            c.count for c in session.execute(select(UsageCount).where(UsageCount.kind == "conversations")).scalars()
        ] == [1]


def test_refuses_a_zero_period(session_factory):
    with pytest.raises(ValueError):
        run_retention(session_factory, None, NOW, days=0)


def test_forgets_sms_numbers_not_heard_from_since_the_cut_off(session_factory, tracker, clock):
    from bot.channels.sms.models import SmsConversation
    from bot.channels.sms.state import SmsKeys, SmsStore

    store = SmsStore(session_factory, SmsKeys("k" * 40), clock)
    clock.now = NOW - dt.timedelta(days=100)
    store.receive("+447700900001", "SM-old", "hello")
    clock.now = NOW - dt.timedelta(days=10)
    store.receive("+447700900002", "SM-new", "hello")
    report = run_retention(session_factory, tracker[1], NOW, days=90)
    assert report.sms_numbers == 1
    with session_factory() as session:
        kept = session.execute(select(SmsConversation.conversation_id)).scalars().all()
    assert kept == [store.keys.conversation_id("+447700900002")]
