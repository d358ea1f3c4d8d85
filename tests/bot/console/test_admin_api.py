"""The console API over real HTTP: accounts and waiting statistics for admins."""

from __future__ import annotations

import uuid

import requests

from tests.bot.console.conftest import PASSWORD, sign_in, waiting


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
