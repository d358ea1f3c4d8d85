"""Feedback is one verdict per conversation and entry (or nurse chat), redacted, and anonymised by retention."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.feedback.models import Feedback
from bot.feedback.store import FeedbackStore, anonymise
from bot.limits import MAX_FEEDBACK_COMMENT_CHARS
from bot.retention import run_retention


@pytest.fixture
def store(session_factory, clock):
    return FeedbackStore(session_factory, clock)


def rows(session_factory) -> list[Feedback]:
    with session_factory() as session:
        return list(session.execute(select(Feedback).order_by(Feedback.id)).scalars())


def test_a_verdict_on_an_entry_is_stored_against_the_conversation(store, session_factory, clock):
    store.record_helpful("web-1", "socketio", "recurrence-signs", True)
    [row] = rows(session_factory)
    assert (row.conversation_id, row.channel, row.kind, row.content_id, row.rating, row.comment) == (
        "web-1",
        "socketio",
        "helpful",
        "recurrence-signs",
        1,
        None,
    )
    assert row.created_at == clock.now


def test_no_then_what_was_missing_is_one_row_and_the_words_are_redacted(store, session_factory):
    store.record_helpful("web-1", "socketio", "recurrence-signs", False)
    store.record_helpful("web-1", "socketio", "recurrence-signs", False, "Call me on 07700 900467, it missed bones")
    [row] = rows(session_factory)
    assert row.rating == 0
    assert row.comment == "Call me on [phone], it missed bones"


def test_changing_to_yes_drops_the_comment_and_other_entries_are_apart(store, session_factory):
    store.record_helpful("web-1", "socketio", "a", False, "not enough")
    store.record_helpful("web-1", "socketio", "a", True, "ignored for a yes")
    store.record_helpful("web-1", "socketio", "b", False)
    store.record_helpful("web-2", "socketio", "a", False)
    assert [(r.conversation_id, r.content_id, r.rating, r.comment) for r in rows(session_factory)] == [
        ("web-1", "a", 1, None),
        ("web-1", "b", 0, None),
        ("web-2", "a", 0, None),
    ]


def test_a_blank_comment_is_none_and_a_long_one_is_refused(store, session_factory):
    store.record_helpful("web-1", "socketio", "a", False, "   ")
    assert rows(session_factory)[0].comment is None
    with pytest.raises(ValueError):
        store.record_helpful("web-1", "socketio", "a", False, "x" * (MAX_FEEDBACK_COMMENT_CHARS + 1))


def test_a_rating_is_one_to_five_once_per_nurse_chat(store, session_factory):
    store.record_csat("sms-1", "twilio", 2, 7)
    store.record_csat("sms-1", "twilio", 5, 7)
    store.record_csat("sms-1", "twilio", 4, 8)
    assert [(r.kind, r.handoff_id, r.rating) for r in rows(session_factory)] == [("csat", 7, 5), ("csat", 8, 4)]
    for wrong in (0, 6):
        with pytest.raises(ValueError):
            store.record_csat("sms-1", "twilio", wrong, 7)


def test_anonymise_keeps_day_channel_entry_and_rating_only(store, session_factory, clock):
    store.record_helpful("web-old", "socketio", "a", False, "it missed bones")
    store.record_csat("sms-old", "twilio", 4, 3)
    clock.advance(days=2)
    store.record_helpful("web-new", "socketio", "a", True)
    with session_factory() as session, session.begin():
        assert anonymise(session, clock.now - dt.timedelta(days=1)) == 2
    old_day = dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc)
    assert [
        (
            r.conversation_id,
            r.handoff_id,
            r.comment,
            r.created_at,
            r.content_id,
            r.rating,
        )
        for r in rows(session_factory)
    ] == [
        (None, None, None, old_day, "a", 0),
        (None, None, None, old_day, None, 4),
        ("web-new", None, None, clock.now, "a", 1),
    ]


def test_retention_anonymises_feedback_and_keeps_it(store, session_factory, clock):
    store.record_helpful("web-old", "socketio", "a", False, "words")
    report = run_retention(session_factory, None, clock.now + dt.timedelta(days=91), days=90)
    assert report.feedback == 1
    [row] = rows(session_factory)
    assert (row.conversation_id, row.comment, row.rating) == (None, None, 0)
