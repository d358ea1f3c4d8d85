"""POST /api/me/availability: a nurse sets herself available or away; it is stored, on the team list and the feed."""

from __future__ import annotations

import pytest

from tests.bot.console.conftest import SseReader, new_account, sign_in


def test_a_nurse_sets_herself_away_and_back_and_it_is_stored(console_server, nurse_accounts):
    url = console_server.url
    jo = new_account(nurse_accounts, "nurse", "Jo Status")
    client, colleague = sign_in(url, jo), sign_in(url, new_account(nurse_accounts, "nurse", "Sam Sees"))
    assert client.get(f"{url}/api/me", timeout=10).json()["nurse"]["availability"] == "available"
    with colleague.get(f"{url}/api/events", stream=True, timeout=(5, 30)) as stream, SseReader(stream) as reader:
        reader.wait_for(lambda m: m.event == "ready", timeout=5)
        response = client.post(f"{url}/api/me/availability", json={"availability": "away"}, timeout=10)
        assert response.status_code == 200 and response.json() == {"availability": "away"}
        changed = reader.wait_for(lambda m: m.event == "handoff" and m.json()["kind"] == "availability", timeout=3)
    assert changed.json()["handoff_id"] is None
    assert changed.json()["detail"] == {"nurse": jo.id, "availability": "away"}
    again = sign_in(url, jo)  # stored on the account: a new session, another computer, the same choice
    assert again.get(f"{url}/api/me", timeout=10).json()["nurse"]["availability"] == "away"
    team = {m["id"]: m for m in colleague.get(f"{url}/api/team", timeout=10).json()["nurses"]}
    assert team[jo.id]["availability"] == "away"
    assert again.post(f"{url}/api/me/availability", json={"availability": "available"}, timeout=10).status_code == 200
    assert client.get(f"{url}/api/me", timeout=10).json()["nurse"]["availability"] == "available"


@pytest.mark.parametrize(
    "body", [{}, {"availability": "busy"}, {"availability": None}, {"availability": ["away"]}, {"availability": True}]
)
def test_availability_is_available_or_away(console_server, nurse, body):
    client = sign_in(console_server.url, nurse)
    response = client.post(f"{console_server.url}/api/me/availability", json=body, timeout=10)
    assert response.status_code == 422
    assert response.json() == {"error": "'availability' must be one of available, away."}


def test_availability_needs_a_session(console_server):
    import requests

    response = requests.post(f"{console_server.url}/api/me/availability", json={"availability": "away"}, timeout=10)
    assert response.status_code == 401
