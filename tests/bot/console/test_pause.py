"""An admin pauses new chats now, with a message; every nurse sees it; resuming ends it; both are audited."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.handoff.models import HandoffEvent
from tests.bot.console.conftest import sign_in


def test_an_admin_pauses_and_resumes_new_chats_and_both_are_in_the_audit_trail(
    console_server, console_sessions, admin, nurse
):
    boss = sign_in(console_server.url, admin)
    url = f"{console_server.url}/api/pause"
    assert boss.get(url, timeout=10).json() == {"paused": False}

    note = "Our nurses are all off sick today. Please leave a message and we will reply tomorrow."
    paused = boss.post(url, json={"message": f"  {note}\n"}, timeout=10)
    assert paused.status_code == 201
    assert paused.json()["paused"] is True and paused.json()["message"] == note
    seen = sign_in(console_server.url, nurse).get(url, timeout=10).json()  # every nurse sees it
    assert seen["paused"] is True and seen["paused_by"] == "Admin Sam" and seen["message"] == note

    again = boss.post(url, json={"message": "twice"}, timeout=10)
    assert again.status_code == 409 and again.json() == {"error": "New chats are already paused."}
    assert boss.post(f"{url}/resume", timeout=10).json() == {"paused": False}
    assert boss.post(f"{url}/resume", timeout=10).status_code == 409

    with console_sessions() as session:
        kinds = session.execute(
            select(HandoffEvent.kind, HandoffEvent.nurse_id, HandoffEvent.detail)
            .where(HandoffEvent.kind.in_(("handoffs_paused", "handoffs_resumed")))
            .order_by(HandoffEvent.id.desc())
            .limit(2)
        ).all()
    assert [(k, n) for k, n, _ in reversed(kinds)] == [("handoffs_paused", admin.id), ("handoffs_resumed", admin.id)]
    assert json.loads(kinds[1][2]) == {"message": note}


def test_a_pause_needs_a_message_and_an_admin(console_server, admin, nurse):
    url = f"{console_server.url}/api/pause"
    assert sign_in(console_server.url, nurse).post(url, json={"message": "x"}, timeout=10).status_code == 403
    boss = sign_in(console_server.url, admin)
    assert boss.post(url, json={"message": "   "}, timeout=10).status_code == 422
    assert boss.post(url, json={"message": "x" * 301}, timeout=10).status_code == 422
    assert boss.get(url, timeout=10).json() == {"paused": False}
