"""The console API over real HTTP: the queue, claiming (this process as a second writer) and the conversation."""

from __future__ import annotations

import datetime as dt
import threading

import requests

from tests.bot.console.conftest import conversation, new_account, sign_in, waiting

CLAIM_LOST = "Another nurse has already claimed this conversation."


def test_the_queue_is_urgent_first_then_oldest(console_server, nurse, handoff_service):
    first = waiting(handoff_service, reason="first", transcript=[("person", "first words")])
    second = waiting(handoff_service, reason="second")
    urgent = waiting(handoff_service, reason="urgent one", priority="urgent")
    client = sign_in(console_server.url, nurse)
    response = client.get(f"{console_server.url}/api/queue", timeout=10)
    assert response.status_code == 200
    items = response.json()["queue"]
    ours = [item for item in items if item["id"] in {first, second, urgent}]
    assert [item["id"] for item in ours] == [urgent, first, second]
    assert [item["position"] for item in items] == list(range(1, len(items) + 1))
    order = [(item["priority"] != "urgent", item["created_at"]) for item in items]
    assert order == sorted(order)
    entry = next(item for item in ours if item["id"] == first)
    assert set(entry) == {
        "id",
        "position",
        "priority",
        "reason",
        "channel",
        "waiting_seconds",
        "last_message",
        "burst",
        "created_at",
        "away_since",
    }
    assert entry["away_since"] is None  # the person's web chat has not closed
    assert entry["burst"] == 0  # one urgent request is not a burst
    assert entry["reason"] == "first" and entry["channel"] == "rest" and entry["last_message"] == "first words"
    assert entry["waiting_seconds"] >= 0
    assert dt.datetime.fromisoformat(entry["created_at"]).tzinfo is not None


def test_the_detail_has_the_transcript_with_authors(console_server, nurse, handoff_service):
    handoff = waiting(handoff_service, transcript=[("person", "I found a lump"), ("bot", "I can help with that")])
    client = sign_in(console_server.url, nurse)
    body = client.get(f"{console_server.url}/api/handoffs/{handoff}", timeout=10).json()
    assert body["handoff"]["id"] == handoff and body["handoff"]["state"] == "waiting"
    assert [(m["author"], m["text"]) for m in body["messages"]] == [
        ("person", "I found a lump"),
        ("bot", "I can help with that"),
    ]
    assert set(body["messages"][0]) == {"id", "author", "text", "created_at", "nurse_name", "context"}
    assert all(m["context"] for m in body["messages"])  # what led up to the handoff, not written for the nurse


def test_two_nurses_claiming_at_once_exactly_one_wins(console_server, nurse_accounts, handoff_service):
    nurses = [new_account(nurse_accounts, "nurse", f"Racer {i}") for i in range(2)]
    clients = [sign_in(console_server.url, account) for account in nurses]
    for _ in range(5):
        handoff = waiting(handoff_service)
        barrier = threading.Barrier(2)
        results: dict[int, requests.Response] = {}

        def claim(
            index: int,
            handoff: int = handoff,
            barrier: threading.Barrier = barrier,
            results: dict[int, requests.Response] = results,
        ) -> None:
            barrier.wait(timeout=10)
            results[index] = clients[index].post(f"{console_server.url}/api/handoffs/{handoff}/claim", timeout=30)

        threads = [threading.Thread(target=claim, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        statuses = sorted(response.status_code for response in results.values())
        assert statuses == [200, 409], [r.text for r in results.values()]
        winner = next(i for i, r in results.items() if r.status_code == 200)
        loser = 1 - winner
        assert results[loser].json() == {"error": CLAIM_LOST}
        view, _ = handoff_service.detail(handoff)
        assert view.state == "claimed" and view.claimed_by == nurses[winner].id
        assert results[winner].json()["handoff"]["claimed_by"] == nurses[winner].id


def test_claim_reply_hand_back_flow(console_server, nurse, nurse_accounts, handoff_service):
    conversation_id = conversation()
    handoff = handoff_service.request(
        conversation_id, channel="rest", reason="asked for a nurse", transcript=[("person", "hi"), ("bot", "hello")]
    ).handoff.id
    client = sign_in(console_server.url, nurse)
    other = sign_in(console_server.url, new_account(nurse_accounts, "nurse", "Other Nurse"))
    base = f"{console_server.url}/api/handoffs/{handoff}"

    early = client.post(f"{base}/reply", json={"text": "too soon"}, timeout=10)
    assert early.status_code == 409 and "Claim this conversation" in early.json()["error"]

    claimed = client.post(f"{base}/claim", timeout=10)
    assert claimed.status_code == 200
    assert claimed.json()["handoff"]["state"] == "claimed"
    assert claimed.json()["handoff"]["claimed_by_name"] == "Nurse Jo"
    assert client.post(f"{base}/claim", timeout=10).status_code == 200  # a second click changes nothing
    assert [h["id"] for h in client.get(f"{console_server.url}/api/mine", timeout=10).json()["handoffs"]] == [handoff]
    assert other.get(f"{console_server.url}/api/mine", timeout=10).json()["handoffs"] == []

    sent = client.post(f"{base}/reply", json={"text": "  Hello, I'm Jo, one of the nurses.  "}, timeout=10)
    assert sent.status_code == 201
    assert sent.json()["message"]["author"] == "nurse"
    assert sent.json()["message"]["text"] == "Hello, I'm Jo, one of the nurses."
    assert sent.json()["message"]["nurse_name"] == "Nurse Jo"

    intruder = other.post(f"{base}/reply", json={"text": "me too"}, timeout=10)
    assert intruder.status_code == 409 and "Nurse Jo is looking after this conversation" in intruder.json()["error"]
    assert other.post(f"{base}/hand-back", timeout=10).status_code == 409

    detail = client.get(base, timeout=10).json()
    authors = [(m["author"], m["text"]) for m in detail["messages"]]
    assert ("nurse", "Hello, I'm Jo, one of the nurses.") in authors
    assert any(author == "system" for author, _ in authors)
    outbox = [m.text for m in handoff_service.pending_for(conversation_id) if m.author == "nurse"]
    assert outbox == ["Hello, I'm Jo, one of the nurses."]

    back = client.post(f"{base}/hand-back", timeout=10)
    assert back.status_code == 200 and back.json()["handoff"]["state"] == "returned"
    assert client.get(f"{console_server.url}/api/mine", timeout=10).json()["handoffs"] == []
    after = client.post(f"{base}/reply", json={"text": "still there?"}, timeout=10)
    assert after.status_code == 409
    assert after.json() == {"error": "This conversation has already been handed back to the bot."}
    late = other.post(f"{base}/claim", timeout=10)
    assert late.status_code == 409 and "handed back" in late.json()["error"]


def test_close_needs_an_outcome_and_records_it(console_server, nurse, handoff_service):
    handoff = waiting(handoff_service)
    client = sign_in(console_server.url, nurse)
    base = f"{console_server.url}/api/handoffs/{handoff}"
    assert client.post(f"{base}/claim", timeout=10).status_code == 200
    missing = client.post(f"{base}/close", json={}, timeout=10)
    assert missing.status_code == 422 and missing.json() == {"error": "'outcome' is required."}
    closed = client.post(f"{base}/close", json={"outcome": "Information and support given"}, timeout=10)
    assert closed.status_code == 200
    assert closed.json()["handoff"]["state"] == "closed"
    assert closed.json()["handoff"]["outcome"] == "Information and support given"
    view, _ = handoff_service.detail(handoff)
    assert view.state == "closed" and view.outcome == "Information and support given"
    again = client.post(f"{base}/close", json={"outcome": "again"}, timeout=10)
    assert again.status_code == 409 and again.json() == {"error": "This conversation has already been closed."}


def test_the_closing_note_is_kept_apart_from_the_outcome(console_server, nurse, handoff_service):
    person = conversation()
    handoff = handoff_service.request(person, "rest", "asked for a nurse").handoff.id
    client = sign_in(console_server.url, nurse)
    base = f"{console_server.url}/api/handoffs/{handoff}"
    assert client.post(f"{base}/claim", timeout=10).status_code == 200
    for note in ("x" * 301, "a\x00b", 12):
        refused = client.post(f"{base}/close", json={"outcome": "Call back arranged", "note": note}, timeout=10)
        assert refused.status_code == 422 and "'note'" in refused.json()["error"]
    body = {"outcome": "Call back arranged", "note": " Ringing her at 10am tomorrow "}
    closed = client.post(f"{base}/close", json=body, timeout=10).json()["handoff"]
    assert (closed["outcome"], closed["closing_note"]) == ("Call back arranged", "Ringing her at 10am tomorrow")
    detail = client.get(base, timeout=10).json()
    assert detail["handoff"]["closing_note"] == "Ringing her at 10am tomorrow" and detail["notes"] == []
    assert all("10am" not in m.text for m in handoff_service.pending_for(person))  # for the nurses only
    without = waiting(handoff_service)
    assert client.post(f"{console_server.url}/api/handoffs/{without}/claim", timeout=10).status_code == 200
    plain = client.post(
        f"{console_server.url}/api/handoffs/{without}/close", json={"outcome": "Other", "note": None}, timeout=10
    )
    assert plain.status_code == 200 and plain.json()["handoff"]["closing_note"] is None


def test_messages_left_out_of_hours_are_listed_with_their_text(console_server, nurse, handoff_service):
    left = handoff_service.leave_message(conversation(), "sms", "Please call me back about my scan results")
    client = sign_in(console_server.url, nurse)
    response = client.get(f"{console_server.url}/api/messages", timeout=10)
    assert response.status_code == 200
    entry = next(item for item in response.json()["messages"] if item["id"] == left.id)
    assert entry["text"] == "Please call me back about my scan results"
    assert entry["kind"] == "message" and entry["channel"] == "sms" and entry["state"] == "waiting"
    assert left.id not in [
        item["id"] for item in client.get(f"{console_server.url}/api/queue", timeout=10).json()["queue"]
    ]

    base = f"{console_server.url}/api/handoffs/{left.id}"
    claimed = client.post(f"{base}/claim", timeout=10)
    assert claimed.status_code == 200 and claimed.json()["handoff"]["kind"] == "message"
    assert client.post(f"{base}/close", json={"outcome": "Called back"}, timeout=10).status_code == 200
    remaining = client.get(f"{console_server.url}/api/messages", timeout=10).json()["messages"]
    assert left.id not in [item["id"] for item in remaining]
