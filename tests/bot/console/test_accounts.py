"""Accounts: an admin resets a nurse's password, a nurse changes their own, and the list shows the last sign-in."""

from __future__ import annotations

import requests

from tests.bot.console.conftest import PASSWORD, sign_in

NEW_PASSWORD = "a brand new long password"


def _login(url: str, username: str, password: str) -> requests.Response:
    return requests.post(f"{url}/api/login", json={"username": username, "password": password}, timeout=10)


def test_an_admin_resets_a_nurses_password_and_the_nurses_sessions_end(console_server, admin, nurse):
    old_session = sign_in(console_server.url, nurse)
    boss = sign_in(console_server.url, admin)
    url = f"{console_server.url}/api/nurses/{nurse.id}/password"
    reset = boss.post(url, json={"password": NEW_PASSWORD}, timeout=10)
    assert reset.status_code == 200 and reset.json()["nurse"]["id"] == nurse.id
    assert old_session.get(f"{console_server.url}/api/me", timeout=10).status_code == 401
    assert _login(console_server.url, nurse.username, PASSWORD).status_code == 401
    assert _login(console_server.url, nurse.username, NEW_PASSWORD).status_code == 200

    own = boss.post(f"{console_server.url}/api/nurses/{admin.id}/password", json={"password": NEW_PASSWORD}, timeout=10)
    assert own.status_code == 409  # your own needs the current one
    short = boss.post(url, json={"password": "short"}, timeout=10)
    assert short.status_code == 422


def test_a_nurse_changes_their_own_password_with_the_current_one(console_server, nurse):
    session = sign_in(console_server.url, nurse)
    url = f"{console_server.url}/api/me/password"
    wrong = session.post(url, json={"current_password": "not it at all", "new_password": NEW_PASSWORD}, timeout=10)
    assert wrong.status_code == 403
    changed = session.post(url, json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}, timeout=10)
    assert changed.status_code == 200 and changed.json() == {"signed_out": True}
    assert session.get(f"{console_server.url}/api/me", timeout=10).status_code == 401  # signs in again
    assert _login(console_server.url, nurse.username, NEW_PASSWORD).status_code == 200


def test_the_nurse_list_shows_when_each_account_last_signed_in(console_server, admin, nurse):
    boss = sign_in(console_server.url, admin)
    nurses = {n["id"]: n for n in boss.get(f"{console_server.url}/api/nurses", timeout=10).json()["nurses"]}
    assert nurses[nurse.id]["last_signed_in_at"] is None
    assert nurses[admin.id]["last_signed_in_at"] is not None
    sign_in(console_server.url, nurse)
    nurses = {n["id"]: n for n in boss.get(f"{console_server.url}/api/nurses", timeout=10).json()["nurses"]}
    assert nurses[nurse.id]["last_signed_in_at"] >= nurses[admin.id]["last_signed_in_at"]
