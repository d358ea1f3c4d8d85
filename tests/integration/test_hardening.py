"""Issue 13 on the running servers, as `make run` starts them: bounded input, no personal data in logs or
stores through any error path, an action server only Rasa can call, and secrets off the command line."""

from __future__ import annotations

import json
import socket
import sqlite3
import stat
import threading
import time
import uuid

import requests

from bot.limits import MAX_MESSAGE_CHARS
from bot.wording import Wording

PHONE, EMAIL, NHS = "07700 900123", "leak-list@example.com", "943 476 5919"
PII = f"call me on {PHONE} or {EMAIL}, NHS number {NHS}"


def webhook(stack) -> str:
    return f"{stack.url}/webhooks/rest/webhook"


def post_raw(stack, raw: bytes, **params) -> requests.Response:
    return requests.post(
        webhook(stack), data=raw, params=params, headers={"content-type": "application/json"}, timeout=60
    )


def everything_written(stack) -> str:
    """Every log and store of the running servers, as text."""
    dumps = []
    for name in ("rasa.log", "actions.log"):
        dumps.append((stack.data_dir / name).read_text(errors="replace"))
    for name in ("tracker.db", "helpline.db"):
        with sqlite3.connect(stack.data_dir / name) as db:
            dumps.append("\n".join(db.iterdump()))
    return "\n".join(dumps)


def test_personal_details_sent_through_every_error_path_reach_no_log_or_store(stack):
    sender = f"e2e-{uuid.uuid4()}"
    bodies = [
        json.dumps({"sender": sender, "message": [PII]}).encode(),  # a list
        json.dumps({"sender": sender, "message": {"text": PII}}).encode(),  # a dict
        json.dumps({"sender": sender, "message": 7, "note": PII}).encode(),
        ('{"sender": "' + sender + '", "message": "hi \\ud800 ' + PII + '"}').encode(),  # half an emoji
        json.dumps({"sender": sender, "message": PII + " x" * MAX_MESSAGE_CHARS}).encode(),  # over the bound
        json.dumps({"sender": sender, "message": PII * 40_000}).encode(),  # over Sanic's body limit
        json.dumps({"message": PII}).encode(),  # no sender
        json.dumps([PII]).encode(),
        b"",
        b"null",
        PII.encode(),
    ]
    statuses = [post_raw(stack, body).status_code for body in bodies]
    assert statuses == [400, 400, 400, 400, 413, 413, 400, 400, 400, 400, 400]
    streamed = post_raw(stack, bodies[0], stream="true")  # used to hang for ever
    assert streamed.status_code == 400
    # The action server's failure path: a call with the token whose tracker makes the action fail.
    broken = {"next_action": "action_urgent_symptom", "sender_id": sender, "tracker": {"latest_message": PII}}
    answer = requests.post(
        f"http://127.0.0.1:{stack.actions_port}/webhook",
        json=broken,
        headers={"Authorization": f"Bearer {stack.actions_token}"},
        timeout=30,
    )
    assert answer.status_code in (400, 500) and PHONE not in answer.text
    stack.say(sender, PII)  # and one that is handled: stored redacted
    written = everything_written(stack)
    for value in (PHONE, EMAIL, NHS, "leak-list"):
        assert value not in written


def test_a_long_message_gets_the_domain_reply_and_a_huge_one_stalls_nobody(stack):
    too_long = requests.post(
        webhook(stack), json={"sender": f"e2e-{uuid.uuid4()}", "message": "x" * (MAX_MESSAGE_CHARS + 1)}, timeout=30
    )
    assert too_long.status_code == 413
    assert too_long.json()[0]["text"] == Wording.from_domain().text("utter_message_too_long")
    big = json.dumps({"sender": "stall", "message": "what is recurrence " * 47000}).encode()  # 893 KB
    senders = [threading.Thread(target=post_raw, args=(stack, big)) for _ in range(4)]
    for thread in senders:
        thread.start()
    started = time.monotonic()
    answer = stack.say(f"e2e-{uuid.uuid4()}", "what is recurrence")
    waited = time.monotonic() - started
    for thread in senders:
        thread.join()
    assert answer and waited < 10  # the probe measured 57.7 s


def test_rest_needs_a_sender_and_ignores_a_client_chosen_channel(stack):
    assert requests.post(webhook(stack), json={"message": "hi"}, timeout=30).status_code == 400
    sender = f"e2e-{uuid.uuid4()}"
    reply = requests.post(
        webhook(stack), json={"sender": sender, "message": "hi", "input_channel": "twilio"}, timeout=30
    )
    assert reply.status_code == 200
    with sqlite3.connect(stack.data_dir / "tracker.db") as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)).fetchall()
    assert [json.loads(data)["input_channel"] for (data,) in rows] == ["rest"]


def _other_address() -> str:
    """An address of this machine that is not loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
        return probe.getsockname()[0]


def test_the_action_server_answers_only_rasa_and_only_on_loopback(stack):
    call = {"next_action": "action_urgent_symptom", "sender_id": "web-" + "0" * 32, "tracker": {}}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": stack.actions_token}):
        refused = requests.post(
            f"http://127.0.0.1:{stack.actions_port}/webhook", json=call, headers=headers, timeout=30
        )
        assert refused.status_code == 401
    assert requests.get(f"http://127.0.0.1:{stack.actions_port}/health", timeout=30).status_code == 200
    before = (stack.data_dir / "actions.log").read_text(errors="replace").count("without the shared token")
    stack.say(f"e2e-{uuid.uuid4()}", "what is recurrence")  # Rasa itself, with the token from endpoints.yml
    after = (stack.data_dir / "actions.log").read_text(errors="replace").count("without the shared token")
    assert after == before
    address = _other_address()
    if address.startswith("127."):
        return  # no other interface on this machine
    with socket.socket() as outside:
        outside.settimeout(5)
        assert outside.connect_ex((address, stack.actions_port)) != 0


def test_no_secret_is_on_a_command_line_and_the_data_folder_is_private(stack):
    for name, process in stack.processes.items():
        with open(f"/proc/{process.pid}/cmdline", "rb") as handle:
            command_line = handle.read().decode(errors="replace")
        assert stack.token not in command_line and stack.actions_token not in command_line, name
    assert stat.S_IMODE(stack.data_dir.stat().st_mode) == 0o700
    for name in ("tracker.db", "helpline.db"):
        assert stat.S_IMODE((stack.data_dir / name).stat().st_mode) & 0o077 == 0, name
