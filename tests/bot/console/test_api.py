"""The console API over real HTTP: a server subprocess, a SQLite file, and this process as a second writer."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import jwt
import pytest
import requests
from sqlalchemy.exc import OperationalError

from bot.clock import system_clock
from bot.config import PROJECT_ROOT
from bot.console import events as events_module
from bot.console.app import STATIC_DIR, create_app, load_openapi
from bot.console.events import event_stream, parse_last_event_id
from bot.content.review import ContentReview
from bot.handoff.factory import Handoffs
from bot.handoff.nurses import NurseAccounts
from bot.handoff.pause import HandoffPause
from bot.handoff.service import EventView, HandoffService
from bot.hours import OpeningHours
from bot.wording import Wording
from tests.bot.console.conftest import (
    PASSWORD,
    SseReader,
    console_env,
    conversation,
    from_address,
    new_account,
    sign_in,
)

CLAIM_LOST = "Another nurse has already claimed this conversation."
METHODS = {"get", "post", "put", "patch", "delete"}
ADMIN_ROUTES = [
    ("get", "/api/nurses"),
    ("post", "/api/nurses"),
    ("post", "/api/nurses/1/deactivate"),
    ("post", "/api/nurses/1/activate"),
    ("post", "/api/nurses/1/password"),
    ("get", "/api/stats"),
    ("get", "/api/content"),
    ("post", "/api/pause"),
    ("post", "/api/pause/resume"),
]


def spec_operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [
        (method, path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def waiting(service: HandoffService, **kwargs) -> int:
    placed = service.request(
        conversation(),
        channel=kwargs.pop("channel", "rest"),
        reason=kwargs.pop("reason", "asked for a nurse"),
        transcript=kwargs.pop("transcript", [("person", "hi"), ("bot", "hello")]),
        **kwargs,
    )
    return placed.handoff.id


# ----- signing in -----


def test_login_returns_the_nurse_a_token_and_a_strict_httponly_cookie(console_server, nurse):
    response = requests.post(
        f"{console_server.url}/api/login", json={"username": nurse.username, "password": PASSWORD}, timeout=10
    )
    assert response.status_code == 200
    body = response.json()
    assert body["nurse"] == {
        "id": nurse.id,
        "username": nurse.username,
        "display_name": "Nurse Jo",
        "role": "nurse",
        "availability": "available",  # every account starts available for alerts
    }
    assert body["token"] and body["expires_at"]
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    claims = jwt.decode(body["token"], options={"verify_signature": False})
    assert claims["sub"] == str(nurse.id) and claims["role"] == "nurse"
    assert claims["exp"] - claims["iat"] == 8 * 3600


def test_login_with_a_wrong_password_is_401(console_server, nurse):
    response = requests.post(
        f"{console_server.url}/api/login", json={"username": nurse.username, "password": "not-the-password"}, timeout=10
    )
    assert response.status_code == 401
    assert response.json() == {"error": "The username or password is not right."}
    assert "Set-Cookie" not in response.headers


def test_login_for_an_unknown_user_is_the_same_401(console_server):
    response = requests.post(
        f"{console_server.url}/api/login", json={"username": "nobody-here", "password": PASSWORD}, timeout=10
    )
    assert response.status_code == 401
    assert response.json() == {"error": "The username or password is not right."}


def test_repeated_failed_logins_are_slowed_down(console_server):
    username = f"guess-{uuid.uuid4().hex[:8]}"
    guesser = from_address("198.51.100.7")  # its own address, so other tests' sign-ins are not slowed
    statuses = [
        requests.post(
            f"{console_server.url}/api/login",
            json={"username": username, "password": "wrong-guess"},
            headers=guesser,
            timeout=10,
        ).status_code
        for _ in range(11)
    ]
    assert statuses == [401] * 10 + [429]
    last = requests.post(
        f"{console_server.url}/api/login",
        json={"username": username, "password": "wrong-guess"},
        headers=guesser,
        timeout=10,
    )
    assert int(last.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins" in last.json()["error"]


def test_the_cookie_signs_in_the_browser_and_logout_clears_it(console_server, nurse):
    browser = requests.Session()
    login = browser.post(
        f"{console_server.url}/api/login", json={"username": nurse.username, "password": PASSWORD}, timeout=10
    )
    assert login.status_code == 200
    assert browser.get(f"{console_server.url}/api/me", timeout=10).json()["nurse"]["id"] == nurse.id
    assert browser.get(f"{console_server.url}/api/queue", timeout=10).status_code == 200
    logout = browser.post(f"{console_server.url}/api/logout", timeout=10)
    assert logout.status_code == 200
    assert "Max-Age=0" in logout.headers["Set-Cookie"]
    assert browser.get(f"{console_server.url}/api/me", timeout=10).status_code == 401


def test_a_cookie_request_from_another_site_is_refused(console_server, nurse):
    browser = requests.Session()
    browser.post(f"{console_server.url}/api/login", json={"username": nurse.username, "password": PASSWORD}, timeout=10)
    response = browser.post(f"{console_server.url}/api/logout", headers={"Sec-Fetch-Site": "cross-site"}, timeout=10)
    assert response.status_code == 403
    assert browser.get(f"{console_server.url}/api/me", timeout=10).status_code == 200


# ----- authentication and roles on every route -----


def test_every_protected_route_is_401_without_a_token(console_server):
    spec = load_openapi()
    checked = 0
    for method, path, operation in spec_operations(spec):
        if operation.get("security") == []:
            continue
        response = requests.request(method, f"{console_server.url}{concrete(path)}", timeout=10)
        assert response.status_code == 401, (method, path, response.text)
        assert response.json() == {"error": "Please sign in."}, (method, path)
        checked += 1
    assert checked >= 15


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a.b.c"],
)
def test_a_bad_authorization_header_is_401(console_server, header):
    response = requests.get(f"{console_server.url}/api/queue", headers={"Authorization": header}, timeout=10)
    assert response.status_code == 401
    assert response.json()["error"]


def test_an_expired_or_forged_token_is_401(console_server, nurse):
    secret = (console_server.data_dir / "console_secret").read_bytes()
    now = dt.datetime.now(dt.timezone.utc)
    expired = jwt.encode(
        {
            "sub": str(nurse.id),
            "role": "nurse",
            "iss": "helpline-console",
            "iat": now - dt.timedelta(hours=9),
            "exp": now - dt.timedelta(hours=1),
        },
        secret,
        algorithm="HS256",
    )
    forged = jwt.encode(
        {
            "sub": str(nurse.id),
            "role": "admin",
            "iss": "helpline-console",
            "iat": now,
            "exp": now + dt.timedelta(hours=1),
        },
        b"another-secret-that-is-32-bytes-long!",
        algorithm="HS256",
    )
    unsigned = jwt.encode(
        {
            "sub": str(nurse.id),
            "role": "admin",
            "iss": "helpline-console",
            "iat": now,
            "exp": now + dt.timedelta(hours=1),
        },
        None,
        algorithm="none",
    )
    for token, message in [(expired, "expired"), (forged, "not valid"), (unsigned, "not valid")]:
        response = requests.get(
            f"{console_server.url}/api/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert response.status_code == 401
        assert message in response.json()["error"]


def test_the_signing_key_was_created_private(console_server):
    key = console_server.data_dir / "console_secret"
    assert key.stat().st_size == 32
    assert key.stat().st_mode & 0o777 == 0o600


def test_a_nurse_calling_admin_routes_is_403(console_server, nurse):
    client = sign_in(console_server.url, nurse)
    for method, path in ADMIN_ROUTES:
        response = client.request(method, f"{console_server.url}{path}", json={}, timeout=10)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json() == {"error": "Only an administrator can do this."}


def test_a_deactivated_nurse_is_signed_out_at_once(console_server, nurse, admin):
    client = sign_in(console_server.url, nurse)
    assert client.get(f"{console_server.url}/api/queue", timeout=10).status_code == 200
    boss = sign_in(console_server.url, admin)
    response = boss.post(f"{console_server.url}/api/nurses/{nurse.id}/deactivate", timeout=10)
    assert response.status_code == 200 and response.json()["nurse"]["active"] is False
    refused = client.get(f"{console_server.url}/api/queue", timeout=10)
    assert refused.status_code == 401
    assert "not active" in refused.json()["error"]
    again = requests.post(
        f"{console_server.url}/api/login", json={"username": nurse.username, "password": PASSWORD}, timeout=10
    )
    assert again.status_code == 401
    assert boss.post(f"{console_server.url}/api/nurses/{nurse.id}/activate", timeout=10).status_code == 200
    assert client.get(f"{console_server.url}/api/queue", timeout=10).status_code == 401  # not revived (issue 13, L2)
    assert sign_in(console_server.url, nurse).get(f"{console_server.url}/api/queue", timeout=10).status_code == 200


# ----- bad input never makes a 500 -----


@pytest.mark.parametrize(
    "body, status, fragment",
    [
        (b"{not json", 400, "not valid JSON"),
        (b"", 400, "empty"),
        (b"[1, 2]", 400, "JSON object"),
        (b'"text"', 400, "JSON object"),
        (b"\xff\xfe\x00", 400, "not valid JSON"),
        (b"[" * 20000 + b"]" * 20000, 400, "not valid JSON"),
        (b"{}", 422, "'text' is required"),
        (b'{"text": 42}', 422, "'text' must be a string"),
        (b'{"text": null}', 422, "'text' is required"),
        (b'{"text": "   "}', 422, "'text' must not be empty"),
        (b'{"text": "a\\u0000b"}', 422, "NUL"),
    ],
)
def test_a_bad_reply_body_is_a_clear_4xx(console_server, nurse, handoff_service, body, status, fragment):
    client = sign_in(console_server.url, nurse)
    handoff = waiting(handoff_service)
    assert client.post(f"{console_server.url}/api/handoffs/{handoff}/claim", timeout=10).status_code == 200
    response = client.post(
        f"{console_server.url}/api/handoffs/{handoff}/reply",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == status, response.text
    assert fragment in response.json()["error"]


def test_bad_login_bodies_are_clear_4xx(console_server):
    url = f"{console_server.url}/api/login"
    assert requests.post(url, data=b"{", timeout=10).status_code == 400
    missing = requests.post(url, json={"username": "someone"}, timeout=10)
    assert missing.status_code == 422 and missing.json() == {"error": "'password' is required."}
    wrong_type = requests.post(url, json={"username": ["a"], "password": "x"}, timeout=10)
    assert wrong_type.status_code == 422 and "'username' must be a string" in wrong_type.json()["error"]


def test_a_body_that_is_too_large_is_413(console_server, nurse):
    client = sign_in(console_server.url, nurse)
    response = client.post(f"{console_server.url}/api/handoffs/1/reply", json={"text": "x" * 100_000}, timeout=10)
    assert response.status_code == 413
    assert response.json()["error"]


@pytest.mark.parametrize("method, suffix", [("get", ""), ("post", "/claim"), ("post", "/hand-back")])
def test_an_unknown_handoff_is_404(console_server, nurse, method, suffix):
    client = sign_in(console_server.url, nurse)
    response = client.request(method, f"{console_server.url}/api/handoffs/987654321{suffix}", timeout=10)
    assert response.status_code == 404
    assert response.json() == {"error": "There is no conversation with id 987654321."}


def test_replying_to_or_closing_an_unknown_handoff_is_404(console_server, nurse):
    client = sign_in(console_server.url, nurse)
    reply = client.post(f"{console_server.url}/api/handoffs/987654321/reply", json={"text": "hi"}, timeout=10)
    close = client.post(f"{console_server.url}/api/handoffs/987654321/close", json={"outcome": "x"}, timeout=10)
    assert (reply.status_code, close.status_code) == (404, 404)


@pytest.mark.parametrize("raw", ["abc", "1.5", "-1", "0", "%D9%A1", "99999999999999999999999", "1e3", "%20"])
def test_a_handoff_id_that_is_not_a_whole_number_is_404_not_500(console_server, nurse, raw):
    client = sign_in(console_server.url, nurse)
    for method, suffix in [("get", ""), ("post", "/claim"), ("post", "/close")]:
        response = client.request(method, f"{console_server.url}/api/handoffs/{raw}{suffix}", json={}, timeout=10)
        assert response.status_code == 404, (raw, suffix, response.text)
        assert "whole numbers" in response.json()["error"]


def test_a_nurse_id_that_is_not_a_whole_number_is_404(console_server, admin):
    client = sign_in(console_server.url, admin)
    for raw in ["abc", "99999999999999999999999", "0"]:
        response = client.post(f"{console_server.url}/api/nurses/{raw}/deactivate", timeout=10)
        assert response.status_code == 404 and "whole numbers" in response.json()["error"]
    unknown = client.post(f"{console_server.url}/api/nurses/987654/deactivate", timeout=10)
    assert unknown.status_code == 404 and unknown.json() == {"error": "There is no nurse with id 987654."}


def test_unknown_addresses_and_methods_answer_in_json(console_server, nurse):
    client = sign_in(console_server.url, nurse)
    missing = client.get(f"{console_server.url}/api/no-such-thing", timeout=10)
    assert missing.status_code == 404 and missing.json()["error"]
    wrong = client.get(f"{console_server.url}/api/login", timeout=10)
    assert wrong.status_code == 405 and wrong.json() == {"error": "/api/login does not accept GET."}


# ----- the queue, claiming and the conversation -----


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


# ----- administration -----


def test_admin_lists_creates_and_deactivates_accounts(console_server, admin, nurse):
    boss = sign_in(console_server.url, admin)
    listed = boss.get(f"{console_server.url}/api/nurses", timeout=10)
    assert listed.status_code == 200
    usernames = {n["username"]: n for n in listed.json()["nurses"]}
    assert usernames[nurse.username]["active"] is True and usernames[nurse.username]["role"] == "nurse"

    username = f"new-{uuid.uuid4().hex[:8]}"
    body = {"username": username, "display_name": "New Nurse", "password": PASSWORD, "role": "nurse"}
    created = boss.post(f"{console_server.url}/api/nurses", json=body, timeout=10)
    assert created.status_code == 201 and created.json()["nurse"]["username"] == username
    duplicate = boss.post(f"{console_server.url}/api/nurses", json=body, timeout=10)
    assert duplicate.status_code == 409 and "already taken" in duplicate.json()["error"]
    short = boss.post(
        f"{console_server.url}/api/nurses", json={**body, "username": "x" + username, "password": "short"}, timeout=10
    )
    assert short.status_code == 422 and "at least 12" in short.json()["error"]
    bad_role = boss.post(
        f"{console_server.url}/api/nurses", json={**body, "username": "y" + username, "role": "boss"}, timeout=10
    )
    assert bad_role.status_code == 422 and "role" in bad_role.json()["error"]
    bad_name = boss.post(f"{console_server.url}/api/nurses", json={**body, "username": "Has Spaces"}, timeout=10)
    assert bad_name.status_code == 422 and "username" in bad_name.json()["error"]
    login = requests.post(
        f"{console_server.url}/api/login", json={"username": username, "password": PASSWORD}, timeout=10
    )
    assert login.status_code == 200

    self_off = boss.post(f"{console_server.url}/api/nurses/{admin.id}/deactivate", timeout=10)
    assert self_off.status_code == 409 and self_off.json() == {"error": "You cannot deactivate your own account."}


def test_admin_reads_waiting_statistics(console_server, admin, handoff_service, nurse):
    handoff = waiting(handoff_service)
    handoff_service.claim(handoff, nurse.id)
    boss = sign_in(console_server.url, admin)
    response = boss.get(f"{console_server.url}/api/stats", timeout=10)
    assert response.status_code == 200
    body = response.json()
    for period in ("today", "last_7_days"):
        assert {
            "since",
            "handoffs",
            "claimed",
            "median_wait_seconds",
            "p90_wait_seconds",
            "longest_wait_seconds",
        } <= set(body[period])
        assert body[period]["claimed"] >= 1 and body[period]["handoffs"] >= body[period]["claimed"]
    assert body["last_7_days"]["handoffs"] >= body["today"]["handoffs"]


# ----- live events -----


def _stream(console_server, client: requests.Session, **headers) -> requests.Response:
    return client.get(f"{console_server.url}/api/events", headers=headers, stream=True, timeout=(5, 30))


def test_events_deliver_a_new_waiting_person_within_a_second(console_server, nurse, handoff_service):
    client = sign_in(console_server.url, nurse)
    with _stream(console_server, client) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        with SseReader(response) as reader:
            ready = reader.wait_for(lambda m: m.event == "ready", timeout=5)
            assert ready.json()["last_event_id"] == handoff_service.latest_event_id()

            handoff = waiting(handoff_service, priority="urgent")
            started = time.monotonic()
            created = reader.wait_for(
                lambda m: m.event == "handoff" and m.json()["handoff_id"] == handoff and m.json()["kind"] == "created",
                timeout=1.0,
            )
            assert time.monotonic() - started < 1.0
            event = created.json()
            assert created.id == str(event["id"])
            assert event["actor"] == "person" and event["detail"]["priority"] == "urgent"

            handoff_service.claim(handoff, nurse.id)
            claimed = reader.wait_for(lambda m: m.event == "handoff" and m.json()["kind"] == "claimed", timeout=2)
            assert claimed.json()["handoff_id"] == handoff


def test_events_resume_after_last_event_id(console_server, nurse, handoff_service):
    before = handoff_service.latest_event_id()
    handoff = waiting(handoff_service)
    client = sign_in(console_server.url, nurse)
    with _stream(console_server, client, **{"Last-Event-ID": str(before)}) as response:
        with SseReader(response) as reader:
            assert reader.wait_for(lambda m: m.event == "ready", timeout=5).json()["last_event_id"] == before
            replayed = reader.wait_for(lambda m: m.event == "handoff", timeout=2).json()
            assert replayed["id"] == before + 1
            assert replayed["handoff_id"] == handoff and replayed["kind"] == "created"


def test_events_refuse_a_bad_last_event_id_and_no_token(console_server, nurse):
    client = sign_in(console_server.url, nurse)
    bad = client.get(f"{console_server.url}/api/events", headers={"Last-Event-ID": "yesterday"}, timeout=10)
    assert bad.status_code == 400 and "Last-Event-ID" in bad.json()["error"]
    anonymous = requests.get(f"{console_server.url}/api/events", timeout=10)
    assert anonymous.status_code == 401 and anonymous.json() == {"error": "Please sign in."}


# ----- the page -----


def test_root_redirects_to_the_console_page_with_its_assets(console_server):
    root = requests.get(f"{console_server.url}/", allow_redirects=False, timeout=10)
    assert root.status_code == 302 and root.headers["Location"] == "/console"
    page = requests.get(f"{console_server.url}/console", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert '<script type="module" src="/console/static/console.js"></script>' in page.text
    css = requests.get(f"{console_server.url}/console/static/console.css", timeout=10)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    escape = requests.get(f"{console_server.url}/console/static/../app.py", timeout=10)
    assert escape.status_code == 404


def test_every_module_the_page_imports_is_served_as_javascript(console_server):
    """A module script with another MIME type, or under nosniff a wrong one, is refused by the browser."""
    seen, waiting = set(), ["console.js"]
    while waiting:
        name = waiting.pop()
        seen.add(name)
        response = requests.get(f"{console_server.url}/console/static/{name}", timeout=10)
        assert response.status_code == 200, name
        assert response.headers["Content-Type"].split(";")[0] in ("text/javascript", "application/javascript"), name
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        imports = re.findall(r'^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)";', response.text, re.MULTILINE | re.DOTALL)
        for target in imports:
            assert re.fullmatch(r"\./[a-z]+\.js", target), f"{name} imports {target}: only ./module.js beside it"
            if target[2:] not in seen:
                waiting.append(target[2:])
    on_disk = {path.name for path in STATIC_DIR.glob("*.js")}
    assert seen == on_disk, "every module file is reached from console.js, and nothing it imports is missing"
    assert len(seen) >= 5


def test_no_console_module_is_over_400_lines():
    for path in STATIC_DIR.glob("*.js"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name


def test_the_console_scripts_never_put_data_into_html():
    scripts = sorted(STATIC_DIR.glob("*.js"))
    assert len(scripts) >= 5
    for path in scripts:
        script = path.read_text(encoding="utf-8")
        assert "innerHTML" not in script and "outerHTML" not in script and "insertAdjacentHTML" not in script, path
        assert "document.write" not in script and "eval(" not in script, path


# ----- the OpenAPI document -----


def _in_process_app(session_factory):
    handoffs = Handoffs(
        service=HandoffService(session_factory, system_clock, Wording.from_domain()),
        accounts=NurseAccounts(session_factory, system_clock),
        hours=OpeningHours.from_file(PROJECT_ROOT / "config" / "helpline.yml"),
        clock=system_clock,
        content=ContentReview(session_factory),
        pause=HandoffPause(session_factory, system_clock),
    )
    return create_app(handoffs, b"k" * 32, 8, name=f"openapi_{uuid.uuid4().hex}")


def _registered(app) -> set[tuple[str, str]]:
    routes = set()
    for route in app.router.routes:
        path = "/" + route.path.lstrip("/")
        path = re.sub(r"<__file_uri__(:[^>]+)?>", "{path}", path)
        path = re.sub(r"<([A-Za-z_]+)(:[^>]+)?>", r"{\1}", path)
        for method in route.methods - {"HEAD", "OPTIONS"}:
            routes.add((method.lower(), path))
    return routes


def test_openapi_documents_every_registered_route_and_nothing_else(session_factory):
    app = _in_process_app(session_factory)
    spec = load_openapi()
    documented = {(method, path) for method, path, _ in spec_operations(spec)}
    registered = _registered(app)
    assert len(registered) >= 20
    assert registered - documented == set(), "routes the OpenAPI document does not describe"
    assert documented - registered == set(), "documented routes the app does not have"


def _resolve(spec: dict, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = spec
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        return ([node["$ref"]] if "$ref" in node else []) + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_openapi_describes_errors_schemas_and_parameters():
    spec = load_openapi()
    assert spec["openapi"].startswith("3.0")
    for ref in _refs(spec):
        assert _resolve(spec, ref) is not None
    for method, path, operation in spec_operations(spec):
        responses = operation["responses"]
        assert responses, (method, path)
        if path.startswith("/api/") and operation.get("security") != []:
            assert "401" in responses, (method, path)
        if (method, concrete(path)) in ADMIN_ROUTES:
            assert "403" in responses, (method, path)
        if "{handoff_id}" in path or "{nurse_id}" in path:
            assert "404" in responses, (method, path)
        if method == "post" and path.startswith("/api/handoffs/"):
            assert {"403", "409"} <= set(responses), (method, path)
        for name in re.findall(r"\{([^}]+)\}", path):
            parameters = spec["paths"][path].get("parameters", []) + operation.get("parameters", [])
            names = [(_resolve(spec, p["$ref"]) if "$ref" in p else p)["name"] for p in parameters]
            assert name in names, (method, path, name)
        if method == "post" and "requestBody" in operation:
            assert "application/json" in operation["requestBody"]["content"]


def test_openapi_json_is_the_yaml_document(console_server):
    response = requests.get(f"{console_server.url}/api/openapi.json", timeout=10)
    assert response.status_code == 200
    assert response.json() == load_openapi()


def test_create_app_refuses_a_short_secret(session_factory):
    handoffs = _in_process_app(session_factory).ctx.console.handoffs
    with pytest.raises(ValueError, match="at least 32 bytes"):
        create_app(handoffs, b"short", 8, name=f"short_{uuid.uuid4().hex}")


def test_importing_the_console_creates_nothing(tmp_path: Path):
    env = {**console_env(tmp_path / "var"), "HOME": str(tmp_path)}
    code = "import bot.console.app, bot.console.api, bot.console.auth, bot.console.events, bot.console.__main__"
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True, timeout=120)
    assert not (tmp_path / "var").exists()


# ----- the stream generator on its own (keepalive, sign-out and database hiccups without waiting 15 s) -----


class FakeEvents:
    def __init__(self, events=()):
        self.events = list(events)
        self.failures = 0

    def since(self, last: int):
        if self.failures:
            self.failures -= 1
            raise OperationalError("SELECT", {}, Exception("database is locked"))
        return [event for event in self.events if event.id > last]

    def latest(self) -> int:
        return max((event.id for event in self.events), default=0)


def _event(number: int) -> EventView:
    return EventView(number, dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc), 7, "person", "created", {})


def _take(stream, count: int, timeout: float = 5) -> list[str]:
    async def take() -> list[str]:
        chunks = []
        async for chunk in stream:
            chunks.append(chunk)
            if len(chunks) == count:
                break
        return chunks

    return asyncio.run(asyncio.wait_for(take(), timeout))


async def _still_signed_in():
    return None


def test_the_stream_starts_ready_then_sends_keepalive_comments_when_idle():
    fake = FakeEvents([_event(1), _event(2)])
    stream = event_stream(fake.since, fake.latest, None, _still_signed_in, poll_seconds=0.01, keepalive_seconds=0.05)
    ready, keepalive = _take(stream, 2)
    assert ready == 'retry: 3000\nid: 2\nevent: ready\ndata: {"last_event_id":2}\n\n'
    assert keepalive == ": keepalive\n\n"


def test_the_stream_resumes_after_an_id_and_frames_each_event():
    fake = FakeEvents([_event(1), _event(2), _event(3)])
    stream = event_stream(fake.since, fake.latest, 1, _still_signed_in, poll_seconds=0.01)
    ready, second, third = _take(stream, 3)
    assert "id: 1\nevent: ready" in ready
    assert second.startswith("id: 2\nevent: handoff\ndata: ") and second.endswith("\n\n")
    assert json.loads(second.split("data: ", 1)[1]) == {
        "id": 2,
        "at": "2026-11-23T10:00:00+00:00",
        "handoff_id": 7,
        "actor": "person",
        "kind": "created",
        "detail": {},
    }
    assert third.startswith("id: 3\n")


def test_the_stream_ends_with_signed_out_when_the_session_stops_being_valid():
    async def deactivated():
        return "This account is not active. Please ask an administrator."

    fake = FakeEvents()
    stream = event_stream(fake.since, fake.latest, None, deactivated, poll_seconds=0.01, recheck_seconds=0)
    chunks = _take(stream, 10)
    assert len(chunks) == 2
    assert (
        chunks[1] == 'event: signed-out\ndata: {"error":"This account is not active. Please ask an administrator."}\n\n'
    )


def test_the_stream_survives_a_database_hiccup(monkeypatch):
    monkeypatch.setattr(events_module, "ERROR_BACKOFF_SECONDS", 0.01)
    fake = FakeEvents([_event(5)])
    fake.failures = 2
    stream = event_stream(fake.since, lambda: 4, None, _still_signed_in, poll_seconds=0.01)
    ready, delivered = _take(stream, 2)
    assert "id: 4" in ready and delivered.startswith("id: 5\n")


@pytest.mark.parametrize("raw, expected", [(None, None), ("", None), ("  ", None), ("0", 0), ("42", 42)])
def test_last_event_id_parsing(raw, expected):
    assert parse_last_event_id(raw) == expected


@pytest.mark.parametrize("raw", ["-1", "abc", "1.0", "\u0661", "9" * 19])
def test_last_event_id_that_is_not_an_id(raw):
    with pytest.raises(ValueError):
        parse_last_event_id(raw)


def test_a_failing_session_check_does_not_end_the_stream():
    async def flaky():
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    fake = FakeEvents([_event(1)])
    stream = event_stream(fake.since, lambda: 0, None, flaky, poll_seconds=0.01, recheck_seconds=0)
    ready, delivered = _take(stream, 2)
    assert "id: 0" in ready and delivered.startswith("id: 1\n")
