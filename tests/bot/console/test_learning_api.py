"""Learning from use over the console's API: admins only, a checked export."""

from __future__ import annotations

from tests.bot.console.conftest import sign_in


def test_an_admin_lists_turns_and_a_bad_export_is_refused(console_server, admin, nurse):
    client = sign_in(console_server.url, admin)
    body = client.get(f"{console_server.url}/api/learning", timeout=10).json()
    assert body["turns"] == [] and "ask_symptoms" in body["intents"] and "fallback" in body["reasons"]
    url = f"{console_server.url}/api/learning/export"
    assert client.post(url, json={"intent": "ask_symptoms", "turns": [1]}, timeout=10).status_code == 404  # no turn
    assert client.post(url, json={"intent": "ask_symptoms", "turns": []}, timeout=10).status_code == 422
    assert client.post(url, json={"intent": "no_such_intent", "turns": [1]}, timeout=10).status_code == 422
    assert sign_in(console_server.url, nurse).get(f"{console_server.url}/api/learning", timeout=10).status_code == 403
