"""Alembic migrations build exactly the tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import bot.content.models  # noqa: F401
import bot.handoff.models  # noqa: F401
from bot.db import make_engine, upgrade
from bot.models import Base


def test_migrations_match_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_upgrade_is_repeatable(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    upgrade(engine)


def test_foreign_keys_are_enforced(tmp_path):
    import datetime as dt

    import pytest
    from sqlalchemy.exc import IntegrityError

    from bot.db import make_session_factory
    from bot.handoff.models import HandoffMessage

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    with pytest.raises(IntegrityError):
        with make_session_factory(engine)() as session, session.begin():
            session.add(HandoffMessage(handoff_id=42, author="person", text="x", created_at=dt.datetime.now()))


def test_closing_notes_glued_onto_the_outcome_are_split_off_and_old_rows_stay_readable(tmp_path):
    """0013 moves the note the console glued onto a chosen outcome into closing_note; other outcomes are untouched."""
    from sqlalchemy import text

    from bot.clock import system_clock
    from bot.db import downgrade, make_session_factory
    from bot.handoff.service import HandoffService
    from bot.wording import Wording

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine, "0012_content_entry_body_sites")
    rows = {
        1: "Call back arranged: ring at 10am: she prefers mornings",
        2: "Information and support given",
        3: "Other: came back via the GP",
        4: "Seen in clinic: all fine",  # an API client's own wording: no list choice starts it
        5: None,  # handed back to the bot: no outcome
    }
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO nurses (id, username, display_name, password_hash, role, active, created_at,"
                " token_version) VALUES (1, 'jo', 'Jo', 'x', 'nurse', 1, '2026-12-01 09:00:00', 0)"
            )
        )
        for number, outcome in rows.items():
            connection.execute(
                text(
                    "INSERT INTO handoffs (id, conversation_id, channel, kind, state, priority, reason, created_at,"
                    " claimed_at, claimed_by, ended_at, outcome) VALUES (:id, :conversation, 'rest', 'live',"
                    " :state, 'normal', 'asked for a nurse', '2026-12-01 09:00:00', '2026-12-01 09:01:00', 1,"
                    " '2026-12-01 09:30:00', :outcome)"
                ),
                {
                    "id": number,
                    "conversation": f"c{number}",
                    "state": "closed" if outcome else "returned",
                    "outcome": outcome,
                },
            )
    upgrade(engine)
    service = HandoffService(make_session_factory(engine), system_clock, Wording.from_domain())
    read = {number: service.detail(number)[0] for number in rows}
    assert (read[1].outcome, read[1].closing_note) == ("Call back arranged", "ring at 10am: she prefers mornings")
    assert (read[2].outcome, read[2].closing_note) == ("Information and support given", None)
    assert (read[3].outcome, read[3].closing_note) == ("Other", "came back via the GP")
    assert (read[4].outcome, read[4].closing_note) == ("Seen in clinic: all fine", None)
    assert (read[5].outcome, read[5].closing_note) == (None, None)

    downgrade(engine, "0012_content_entry_body_sites")  # and back: the outcomes read as they did before
    with engine.connect() as connection:
        outcomes = dict(connection.execute(text("SELECT id, outcome FROM handoffs")).all())
    assert outcomes == rows


def test_the_str_enums_are_exactly_the_names_the_migrated_database_allows(tmp_path):
    """The enums replaced string literals: their values must be what the migrations' CHECK constraints allow."""
    import json
    import re

    from sqlalchemy import text

    from bot.feedback.models import FeedbackKind
    from bot.handoff.models import Kind, Priority, Role, State
    from bot.models import Author
    from bot.outbox.models import OUTBOX_AUTHORS

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    with engine.connect() as connection:
        tables = dict(connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all())

    def allowed(table: str, column: str) -> list[str]:
        [values] = re.findall(rf"\b{column} IN \(([^)]*)\)", tables[table])
        return re.findall(r"'([^']*)'", values)

    assert allowed("handoffs", "state") == [s.value for s in State]
    assert allowed("handoffs", "kind") == [k.value for k in Kind]
    assert allowed("handoffs", "priority") == [p.value for p in Priority]
    assert allowed("nurses", "role") == [r.value for r in Role]
    assert allowed("handoff_messages", "author") == [a.value for a in Author]
    assert allowed("outbox", "author") == [a.value for a in OUTBOX_AUTHORS]
    assert allowed("feedback", "kind") == [k.value for k in FeedbackKind]
    # Stored, sent and shown as the plain string, never as "State.WAITING".
    assert (str(State.WAITING), f"{Priority.URGENT}", json.dumps({Author.BOT: Role.ADMIN})) == (
        "waiting",
        "urgent",
        '{"bot": "admin"}',
    )
