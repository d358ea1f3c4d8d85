"""The console API over real HTTP: signing in, and authentication and roles on every route."""

from __future__ import annotations

import datetime as dt
import uuid

import jwt
import pytest
import requests

from bot.console.app import load_openapi
from tests.bot.console.conftest import ADMIN_ROUTES, PASSWORD, concrete, from_address, sign_in, spec_operations

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
