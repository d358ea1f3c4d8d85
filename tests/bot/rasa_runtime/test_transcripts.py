"""Earlier turns are read from the table Rasa's own SQL tracker store writes, current session only."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_runtime.transcripts import TranscriptStore


def session_start(at: float) -> list:
    return [ActionExecuted("action_session_start", timestamp=at), SessionStarted(timestamp=at)]


def test_the_turns_before_a_moment_in_the_current_session_oldest_first(tmp_path):
    db = tmp_path / "tracker.db"
    domain = Domain.empty()
    tracker = DialogueStateTracker("p1", domain.slots)
    tracker.update_with_events(
        [*session_start(1), UserUttered("last week's question", timestamp=2), BotUttered("its answer", timestamp=3),
         *session_start(5), UserUttered("first question", timestamp=6), BotUttered("first answer", timestamp=7),
         UserUttered("the message now", timestamp=10)],
        domain,
        override_timestamp=False,
    )  # fmt: skip
    asyncio.run(SQLTrackerStore(domain, dialect="sqlite", db=str(db)).save(tracker))
    transcripts = TranscriptStore(sa.create_engine(f"sqlite:///{db}"))
    first = [("person", "first question"), ("bot", "first answer")]
    assert transcripts.turns_before("p1", before=10, limit=50) == first
    assert transcripts.turns_before("p1", before=10, limit=1) == first[1:]
    assert transcripts.turns_before("p2", before=10, limit=50) == []


def test_nothing_stored_yet_is_no_turns(tmp_path):
    transcripts = TranscriptStore(sa.create_engine(f"sqlite:///{tmp_path / 'empty.db'}"))
    assert transcripts.turns_before("p1", before=10, limit=50) == []
