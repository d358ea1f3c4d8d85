"""The console API over real HTTP: bad input gets a clear 4xx, never a 500."""

from __future__ import annotations

import pytest
import requests

from tests.bot.console.conftest import sign_in, waiting


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
