"""GET /api/history: past conversations for any signed-in nurse, filtered and paged, each opened like any other."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from bot.handoff.models import Handoff
from tests.bot.console.conftest import conversation, new_account, sign_in

UTC = dt.timezone.utc


def ended_at(sessions, handoff: int, when: dt.datetime) -> None:
    """The server's clock is the real one: move the end to a day no other test's conversation ends on."""
    with sessions() as session, session.begin():
        session.execute(update(Handoff).where(Handoff.id == handoff).values(ended_at=when))


def closed(service, sessions, nurse_id: int, channel: str, when: dt.datetime, outcome=None, note=None) -> int:
    handoff = service.request(conversation(), channel, "asked for a nurse", transcript=[("person", "hi")]).handoff.id
    service.claim(handoff, nurse_id)
    if outcome is None:
        service.hand_back(handoff, nurse_id)
    else:
        service.close(handoff, nurse_id, outcome, note)
    ended_at(sessions, handoff, when)
    return handoff


def found(client, url: str, **params) -> dict:
    response = client.get(f"{url}/api/history", params=params, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_past_conversations_by_day_outcome_nurse_and_channel(
    console_server, nurse_accounts, handoff_service, console_sessions
):
    url = console_server.url
    jo, sam = new_account(nurse_accounts, "nurse", "Jo Past"), new_account(nurse_accounts, "nurse", "Sam Past")
    # 23:30 UTC on 30 June is 00:30 on 1 July in the helpline's time zone (London, summer time).
    late = closed(
        handoff_service, console_sessions, jo.id, "socketio",
        dt.datetime(2031, 6, 30, 23, 30, tzinfo=UTC), "Call back arranged", "ring at 10am",
    )  # fmt: skip
    text = closed(
        handoff_service, console_sessions, sam.id, "twilio",
        dt.datetime(2031, 7, 2, 9, 0, tzinfo=UTC), "Information and support given",
    )  # fmt: skip
    back = closed(handoff_service, console_sessions, jo.id, "rest", dt.datetime(2031, 7, 2, 12, 0, tzinfo=UTC))
    handoff_service.request(conversation(), "rest", "still waiting")  # open conversations are never in the history
    client = sign_in(url, new_account(nurse_accounts, "nurse", "Any Nurse"))  # every nurse sees them all

    july = found(client, url, **{"from": "2031-07-01", "to": "2031-07-31"})
    assert [c["id"] for c in july["conversations"]] == [back, text, late]  # the latest to end first
    assert (july["total"], july["page"], july["pages"], july["per_page"]) == (3, 1, 1, 20)
    first = july["conversations"][2]
    assert (first["outcome"], first["closing_note"], first["claimed_by_name"]) == (
        "Call back arranged",
        "ring at 10am",
        "Jo Past",
    )
    assert [c["id"] for c in found(client, url, **{"from": "2031-07-01", "to": "2031-07-01"})["conversations"]] == [
        late
    ]
    assert found(client, url, **{"from": "2031-06-30", "to": "2031-06-30"})["total"] == 0
    in_july = {"from": "2031-07-01", "to": "2031-07-31"}
    assert [c["id"] for c in found(client, url, outcome="Call back arranged", **in_july)["conversations"]] == [late]
    assert [c["id"] for c in found(client, url, nurse_id=jo.id, **in_july)["conversations"]] == [back, late]
    assert [c["id"] for c in found(client, url, channel="twilio", **in_july)["conversations"]] == [text]
    assert found(client, url, channel="twilio", nurse_id=jo.id, **in_july)["total"] == 0
    assert found(client, url, outcome="", **in_july)["total"] == 3  # an empty outcome is any outcome
    assert found(client, url, **{"from": "2031-07-31", "to": "2031-07-01"})["total"] == 0  # the wrong way round

    opened = client.get(f"{url}/api/handoffs/{late}", timeout=10).json()  # opened like any other conversation
    assert opened["handoff"]["closing_note"] == "ring at 10am"
    assert [m["text"] for m in opened["messages"]][0] == "hi"


def test_past_conversations_come_a_page_at_a_time(console_server, nurse, handoff_service, console_sessions):
    url = console_server.url
    start = dt.datetime(2032, 3, 3, 9, 0, tzinfo=UTC)
    made = [
        closed(handoff_service, console_sessions, nurse.id, "rest", start + dt.timedelta(minutes=n), "Other", "x")
        for n in range(21)
    ]
    client = sign_in(url, nurse)
    day = {"from": "2032-03-03", "to": "2032-03-03"}
    first, second = found(client, url, **day), found(client, url, page=2, **day)
    assert (first["total"], first["pages"], len(first["conversations"])) == (21, 2, 20)
    assert [c["id"] for c in first["conversations"]] == list(reversed(made[1:]))
    assert [c["id"] for c in second["conversations"]] == [made[0]] and second["page"] == 2
    assert found(client, url, page=3, **day)["conversations"] == []


@pytest.mark.parametrize(
    "params, field",
    [
        ({"from": "2031-13-01"}, "from"),
        ({"from": ""}, "from"),
        ({"to": "1 July"}, "to"),
        ({"to": "٢٠٣١-٠٧-٠١"}, "to"),  # digits, but not ASCII ones
        ({"nurse_id": "jo"}, "nurse_id"),
        ({"nurse_id": "0"}, "nurse_id"),
        ({"nurse_id": "١"}, "nurse_id"),
        ({"nurse_id": "9" * 19}, "nurse_id"),
        ({"channel": "sms"}, "channel"),
        ({"channel": ""}, "channel"),
        ({"outcome": "a\x00b"}, "outcome"),
        ({"outcome": "x" * 501}, "outcome"),
        ({"page": "0"}, "page"),
        ({"page": "10001"}, "page"),
        ({"page": ""}, "page"),
    ],
)
def test_a_bad_filter_is_a_clear_422(console_server, nurse, params, field):
    response = sign_in(console_server.url, nurse).get(f"{console_server.url}/api/history", params=params, timeout=10)
    assert response.status_code == 422 and f"'{field}'" in response.json()["error"], response.text


def test_the_oldest_and_latest_days_do_not_break_the_search(console_server, nurse):
    client = sign_in(console_server.url, nurse)
    assert found(client, console_server.url, **{"from": "0001-01-01", "to": "9999-12-31"})["total"] >= 0
