"""GET /api/handoffs/{id}'s `earlier`: the same person's ended conversations, with outcomes, within retention."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import update

from bot.handoff.models import Handoff
from tests.bot.console.conftest import new_account, sign_in


def ended(service, person: str, nurse_id: int, outcome: str | None, note: str | None = None) -> int:
    handoff = service.request(person, "twilio", "asked for a nurse", transcript=[("person", "NURSE")]).handoff.id
    service.claim(handoff, nurse_id)
    if outcome is None:
        service.hand_back(handoff, nurse_id)
    else:
        service.close(handoff, nurse_id, outcome, note)
    return handoff


def test_the_person_s_earlier_conversations_come_with_their_outcomes_within_retention(
    console_server, nurse_accounts, handoff_service, console_sessions
):
    url = console_server.url
    jo = new_account(nurse_accounts, "nurse", "Jo Earlier")
    client = sign_in(url, jo)
    person = f"sms-{uuid.uuid4().hex}{uuid.uuid4().hex}"  # an SMS sender is known by the keyed hash of the number
    too_old = ended(handoff_service, person, jo.id, "Information and support given")
    with console_sessions() as session, session.begin():  # ended before the retention period: not shown
        old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=91)
        session.execute(update(Handoff).where(Handoff.id == too_old).values(ended_at=old))
    first = ended(handoff_service, person, jo.id, "Call back arranged", "Rang her at 10am.")
    second = ended(handoff_service, person, jo.id, None)  # handed back to the bot
    ended(handoff_service, f"sms-{uuid.uuid4().hex}", jo.id, "Other", "someone else")  # another person
    now = handoff_service.request(person, "twilio", "asked for a nurse").handoff.id

    detail = client.get(f"{url}/api/handoffs/{now}", timeout=10).json()
    earlier = detail["earlier"]
    assert [e["id"] for e in earlier] == [second, first]  # the latest to end first
    assert (earlier[1]["state"], earlier[1]["outcome"], earlier[1]["closing_note"]) == (
        "closed",
        "Call back arranged",
        "Rang her at 10am.",
    )
    assert (earlier[0]["state"], earlier[0]["claimed_by_name"]) == ("returned", "Jo Earlier")
    assert all(e["conversation_id"] == person for e in earlier)

    assert [e["id"] for e in client.get(f"{url}/api/handoffs/{first}", timeout=10).json()["earlier"]] == []
    fresh = handoff_service.request(f"web-{uuid.uuid4().hex}", "socketio", "asked").handoff.id
    assert client.get(f"{url}/api/handoffs/{fresh}", timeout=10).json()["earlier"] == []
