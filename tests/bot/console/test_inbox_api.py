"""GET /api/mine as an inbox (last message, wait for an answer, unread count) and POST /api/handoffs/{id}/read."""

from __future__ import annotations

from tests.bot.console.conftest import conversation, new_account, sign_in


def claimed(url, client, service, reason: str) -> tuple[int, str]:
    person = conversation()
    handoff = service.request(person, "socketio", reason, transcript=[("person", f"hello about {reason}")]).handoff.id
    assert client.post(f"{url}/api/handoffs/{handoff}/claim", timeout=10).status_code == 200
    return handoff, person


def inbox(url, client) -> dict[int, dict]:
    response = client.get(f"{url}/api/mine", timeout=10)
    assert response.status_code == 200
    return {item["id"]: item for item in response.json()["handoffs"]}


def test_my_conversations_are_told_apart_by_last_message_wait_and_unread(
    console_server, nurse_accounts, handoff_service
):
    url = console_server.url
    jo = new_account(nurse_accounts, "nurse", "Jo Inbox")
    client = sign_in(url, jo)
    scan, scan_person = claimed(url, client, handoff_service, "scan results")
    pain, _ = claimed(url, client, handoff_service, "pain in my side")
    handoff_service.person_says(scan_person, "are you there?")
    items = inbox(url, client)
    assert list(items) == [scan, pain]  # oldest claim first
    assert (items[scan]["last_message"], items[scan]["unread"]) == ("are you there?", 1)
    assert (items[pain]["last_message"], items[pain]["unread"]) == ("hello about pain in my side", 0)  # read before
    assert items[scan]["waiting_seconds"] >= 0 and items[pain]["waiting_seconds"] >= 0  # no answer yet
    assert items[scan]["reason"] == "scan results" and items[scan]["state"] == "claimed"

    reply = client.post(f"{url}/api/handoffs/{scan}/reply", json={"text": "Yes, I'm here."}, timeout=10)
    assert reply.status_code == 201
    items = inbox(url, client)
    assert (items[scan]["unread"], items[scan]["waiting_seconds"]) == (0, None)  # replied: read, and answered
    handoff_service.person_says(scan_person, "thank you")
    handoff_service.person_says(scan_person, "one more thing")
    items = inbox(url, client)
    assert (items[scan]["last_message"], items[scan]["unread"]) == ("one more thing", 2)
    assert items[scan]["waiting_seconds"] is not None

    read = f"{url}/api/handoffs/{scan}/read"
    _, messages = handoff_service.detail(scan)
    thanks = next(m.id for m in messages if m.text == "thank you")
    assert client.post(read, json={"message_id": thanks}, timeout=10).json() == {"unread": 1}
    assert client.post(read, timeout=10).json() == {"unread": 0}  # no body: all of it
    assert client.post(read, json={"message_id": 1}, timeout=10).json() == {"unread": 0}  # never moves back
    assert inbox(url, client)[scan]["unread"] == 0


def test_only_the_nurse_looking_after_it_marks_it_read_and_the_next_nurse_starts_unread(
    console_server, nurse_accounts, handoff_service
):
    url = console_server.url
    jo, sam = new_account(nurse_accounts, "nurse", "Jo Reads"), new_account(nurse_accounts, "nurse", "Sam Next")
    giver, taker = sign_in(url, jo), sign_in(url, sam)
    handoff, person = claimed(url, giver, handoff_service, "asked for a nurse")
    handoff_service.person_says(person, "first")
    handoff_service.person_says(person, "second")
    assert giver.post(f"{url}/api/handoffs/{handoff}/read", timeout=10).json() == {"unread": 0}
    refused = taker.post(f"{url}/api/handoffs/{handoff}/read", timeout=10)
    assert refused.status_code == 409 and "Jo Reads is looking after this conversation" in refused.json()["error"]
    assert giver.post(f"{url}/api/handoffs/99999999/read", timeout=10).status_code == 404
    for body in ({"message_id": 0}, {"message_id": "7"}, {"message_id": True}):
        assert giver.post(f"{url}/api/handoffs/{handoff}/read", json=body, timeout=10).status_code == 422, body

    passed = giver.post(f"{url}/api/handoffs/{handoff}/transfer", json={"nurse_id": sam.id}, timeout=10)
    assert passed.status_code == 200
    assert inbox(url, taker)[handoff]["unread"] == 2  # Sam has seen none of what the person wrote
    assert handoff not in inbox(url, giver)
