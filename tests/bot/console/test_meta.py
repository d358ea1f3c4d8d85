"""GET /api/meta: the console page's words for the API's names and its limits, defined once and copied nowhere."""

from __future__ import annotations

import importlib

import requests

from bot.console.meta import AUTHOR_NAMES, CHANNEL_NAMES, PRIORITY_NAMES, ROLE_NAMES, STATE_NAMES, page_meta
from bot.handoff import models
from tests.bot.console.conftest import conversation, sign_in

# credentials.yml's class paths for every channel the server can run (README: the SMS line is enabled per deployment).
INPUT_CHANNELS = (
    "bot.channels.rest.HelplineRestInput",
    "bot.channels.webchat.SecureSocketIOInput",
    "bot.channels.sms.TwilioSmsInput",
)


def test_each_table_has_words_for_every_stored_name():
    assert set(STATE_NAMES) == set(models.STATES)
    assert set(AUTHOR_NAMES) == set(models.AUTHORS)
    assert set(PRIORITY_NAMES) == set(models.PRIORITIES)
    assert set(ROLE_NAMES) == set(models.ROLES)
    assert next(iter(ROLE_NAMES)) == "nurse"  # the page offers the first role first; the API's default role
    assert all(
        words.strip() for table in (STATE_NAMES, AUTHOR_NAMES, PRIORITY_NAMES, ROLE_NAMES) for words in table.values()
    )


def test_the_channels_named_are_the_channels_the_server_has():
    names = set()
    for path in INPUT_CHANNELS:
        module, _, name = path.rpartition(".")
        names.add(getattr(importlib.import_module(module), name).name())
    assert names == set(CHANNEL_NAMES)


def test_the_meta_needs_a_session(console_server):
    response = requests.get(f"{console_server.url}/api/meta", timeout=10)
    assert response.status_code == 401 and response.json() == {"error": "Please sign in."}


def test_the_meta_gives_the_page_the_names_and_the_limits_the_server_enforces(
    console_server, nurse, admin, handoff_service
):
    client = sign_in(console_server.url, nurse)
    response = client.get(f"{console_server.url}/api/meta", timeout=10)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    meta = response.json()
    assert meta == page_meta()
    assert meta["channels"]["twilio"] == "Text message" and meta["roles"]["admin"] == "Administrator"
    assert list(meta["roles"]) == list(ROLE_NAMES)  # the order survives JSON: the page offers them in it
    limits = meta["limits"]

    placed = handoff_service.request(
        conversation(), channel="rest", reason="asked for a nurse", transcript=[("person", "hi")]
    )
    base = f"{console_server.url}/api/handoffs/{placed.handoff.id}"
    assert client.post(f"{base}/claim", timeout=10).status_code == 200
    assert client.post(f"{base}/reply", json={"text": "x" * (limits["reply"] + 1)}, timeout=10).status_code == 422
    assert client.post(f"{base}/reply", json={"text": "x" * limits["reply"]}, timeout=10).status_code == 201
    outcome = f"Other: {'x' * limits['outcome_note']}"
    assert client.post(f"{base}/close", json={"outcome": outcome}, timeout=10).status_code == 200

    boss = sign_in(console_server.url, admin)
    too_long = "x" * (limits["pause_message"] + 1)
    assert boss.post(f"{console_server.url}/api/pause", json={"message": too_long}, timeout=10).status_code == 422
    for length, status in ((limits["password_min"] - 1, 422), (limits["password_min"], 201)):
        account = {
            "username": f"meta-{length}-{placed.handoff.id}",
            "display_name": "Meta Test",
            "password": "p" * length,
        }
        assert boss.post(f"{console_server.url}/api/nurses", json=account, timeout=10).status_code == status
