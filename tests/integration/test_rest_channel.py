"""The running service over the REST channel, as `make run` starts it."""

from __future__ import annotations

import sqlite3
import uuid

import requests


def texts(messages: list[dict]) -> list[str]:
    return [m.get("text", "") for m in messages]


def test_secondary_symptoms_answer_names_sites_with_review_line(stack):
    sender = f"e2e-{uuid.uuid4()}"
    replies = texts(stack.say(sender, "what are the symptoms of secondary breast cancer"))
    assert "not a diagnosis" in replies[0]  # the once-per-conversation notice comes first
    answer, review_line = replies[-2:]  # the channel splits the reply at its blank line
    for site in ("bones", "lungs", "liver", "brain"):
        assert site in answer
    # The caption names the sources, primary first, and the older review date.
    assert review_line.startswith("_From a health information article on breast cancer recurrence and our page")
    assert review_line.endswith("last reviewed May 2019._")
    follow_up = texts(stack.say(sender, "and what about the treatment for that?"))
    assert not any("not a diagnosis" in t for t in follow_up)  # said once only
    assert "cannot be cured" in follow_up[-2]
    assert follow_up[-1].endswith("last reviewed May 2019._")


def test_local_and_secondary_treatment_answers_differ(stack):
    local = texts(stack.say(f"e2e-{uuid.uuid4()}", "what treatment will I get if it's back in my scar"))
    secondary = texts(stack.say(f"e2e-{uuid.uuid4()}", "treatment for secondary breast cancer"))
    assert local[-2] != secondary[-2]
    assert "last reviewed" in local[-1] and "last reviewed" in secondary[-1]


def test_conversation_is_stored_in_the_sqlite_tracker_store(stack):
    sender = f"e2e-{uuid.uuid4()}"
    stack.say(sender, "what is recurrence")
    with sqlite3.connect(stack.data_dir / "tracker.db") as db:
        rows = db.execute("SELECT type_name FROM events WHERE sender_id = ?", (sender,)).fetchall()
    names = [r[0] for r in rows]
    assert "user" in names and "bot" in names


def test_http_api_needs_the_token(stack):
    assert requests.get(f"{stack.url}/status", timeout=10).status_code == 401
    assert requests.get(f"{stack.url}/status", params={"token": "wrong"}, timeout=10).status_code == 401
    assert requests.get(f"{stack.url}/status", params={"token": stack.token}, timeout=10).status_code == 200


def test_out_of_scope_says_what_it_can_help_with(stack):
    replies = texts(stack.say(f"e2e-{uuid.uuid4()}", "can you recommend a good pizza place"))
    assert any("can't help with that" in t for t in replies)


def test_personal_details_are_not_stored_or_logged(stack):
    from tests.bot.safety.test_redaction import MESSAGE, PERSONAL

    sender = f"e2e-{uuid.uuid4()}"
    stack.say(sender, MESSAGE)
    stack.say(sender, "can I talk to a nurse, my email is jane.doe@example.com")
    for path in ("tracker.db", "helpline.db", "rasa.log", "actions.log"):
        raw = (stack.data_dir / path).read_bytes().decode("latin-1")
        for kind, value in PERSONAL.items():
            assert value not in raw, f"{kind} found in {path}"
    with sqlite3.connect(stack.data_dir / "tracker.db") as db:
        texts = [
            r[0] for r in db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,))
        ]
    assert any("[phone]" in t and "[NHS number]" in t for t in texts)


def test_rest_cannot_reach_another_channels_conversation(stack):
    from bot.clock import system_clock
    from bot.db import make_engine, make_session_factory
    from bot.handoff.service import HandoffService
    from bot.wording import Wording

    handoffs = HandoffService(
        make_session_factory(make_engine(stack.database_url)), system_clock, Wording.from_domain()
    )
    for victim in (f"web-{uuid.uuid4().hex}", f"sms-{uuid.uuid4().hex}"):
        handoffs.request(victim, "socketio", "asked for a nurse")
        assert stack.say(victim, "what did the nurse say?") == []
        assert [m.text for m in handoffs.detail(handoffs.open_handoff(victim).id)[1] if m.author == "person"] == []
