"""The action server answers only Rasa: the shared token, loopback by default, and failures that say nothing."""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Optional

import aiohttp
import pytest
from sanic import Sanic

from bot import log_privacy
from bot.action_server import DEFAULT_HOST, MIN_TOKEN_CHARS, create_app, main, token_from
from ops.ports import free_port

TOKEN = "t" * MIN_TOKEN_CHARS
PII = "call me on 07700 900123, I found a lump"
FIXTURE_ACTIONS = "tests.bot.action_server_fixture"


def action_call(action: str, text: str = "hello") -> dict:
    """What Rasa posts to the action server."""
    return {
        "next_action": action,
        "sender_id": "web-" + "0" * 32,
        "version": "3.6.21",
        "tracker": {
            "sender_id": "web-" + "0" * 32,
            "slots": {},
            "latest_message": {"text": text, "intent": {}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        },
        "domain": {},
    }


@asynccontextmanager
async def serve(app: Sanic) -> AsyncIterator[str]:
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()


async def call(url: str, path: str, body: Any = None, token: Optional[str] = None, method: str = "POST"):
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url + path, data=json.dumps(body), headers=headers, timeout=10) as reply:
            return reply.status, await reply.text()


@pytest.fixture
def app() -> Sanic:
    Sanic.test_mode = True  # several apps named "rasa_sdk" in one process
    Sanic._app_registry.pop("rasa_sdk", None)
    return create_app(TOKEN, FIXTURE_ACTIONS)


@pytest.mark.parametrize(
    "token", [None, "", "wrong" + "x" * MIN_TOKEN_CHARS, TOKEN[:-1], TOKEN + "x", "Basic " + TOKEN]
)
def test_a_call_without_the_shared_token_is_refused_and_runs_nothing(app, token):
    async def scenario() -> None:
        async with serve(app) as url:
            status, body = await call(url, "/webhook", action_call("action_fail"), token)
            listed, _ = await call(url, "/actions", token=token, method="GET")
        assert (status, listed) == (401, 401)
        assert "Only the Rasa server" in body

    asyncio.run(scenario())


def test_rasa_with_the_token_is_answered_and_health_needs_none(app):
    async def scenario() -> None:
        async with serve(app) as url:
            status, body = await call(url, "/webhook", action_call("action_echo"), TOKEN)
            health, _ = await call(url, "/health", method="GET")
        assert status == 200 and json.loads(body)["responses"][0]["text"] == "echo"
        assert health == 200

    asyncio.run(scenario())


def test_a_failing_action_answers_with_the_error_type_only_and_logs_no_text(app, caplog):
    log_privacy.install()

    async def scenario() -> None:
        async with serve(app) as url:
            status, body = await call(url, "/webhook", action_call("action_fail", PII), TOKEN)
        assert status == 500 and json.loads(body) == {"error": "ValueError"}

    with caplog.at_level(logging.INFO):
        asyncio.run(scenario())
    logged = "\n".join(f"{r.getMessage()}\n{r.exc_text or ''}" for r in caplog.records)
    assert "ValueError" in logged
    assert "900123" not in logged and "lump" not in logged


def test_it_will_not_start_without_a_real_token():
    for env in ({}, {"HELPLINE_ACTIONS_TOKEN": ""}, {"HELPLINE_ACTIONS_TOKEN": "short"}):
        with pytest.raises(SystemExit):
            token_from(env)
    assert token_from({"HELPLINE_ACTIONS_TOKEN": f" {TOKEN}\n"}) == TOKEN
    with pytest.raises(SystemExit):
        main(["--port", "1"], env={})


def test_it_listens_on_loopback_unless_told_otherwise(monkeypatch):
    seen = {}

    def fake_run(self, host, port, **kwargs):
        seen.update(host=host, port=port)

    monkeypatch.setattr(Sanic, "run", fake_run)
    monkeypatch.setattr("bot.data_dir.secure_data_dir", lambda *a: None)
    Sanic.test_mode = True
    Sanic._app_registry.pop("rasa_sdk", None)
    main(["--port", "6055", "--actions", FIXTURE_ACTIONS], env={"HELPLINE_ACTIONS_TOKEN": TOKEN})
    assert seen == {"host": DEFAULT_HOST, "port": 6055} and DEFAULT_HOST == "127.0.0.1"


@pytest.mark.parametrize("path", ["endpoints.yml", "config/scale/endpoints.yml"])
def test_rasa_sends_the_token_as_a_header(path, monkeypatch):
    """As Rasa reads the file: ${…} is filled in only in plain YAML scalars, not in quoted ones."""
    from rasa.core.utils import read_endpoints_from_path

    from bot.config import PROJECT_ROOT

    for name in ("ACTION_ENDPOINT_URL", "TRACKER_DB_DIALECT", "TRACKER_DB", "TRACKER_DB_HOST", "TRACKER_DB_PORT",
                 "TRACKER_DB_NAME", "TRACKER_DB_USER", "TRACKER_DB_PASSWORD", "REDIS_HOST", "REDIS_PORT",
                 "LOCK_STORE_REDIS_DB"):  # fmt: skip
        monkeypatch.setenv(name, "1")
    monkeypatch.setenv("HELPLINE_ACTIONS_TOKEN", TOKEN)
    action = read_endpoints_from_path(PROJECT_ROOT / path).action
    assert action.headers == {"Authorization": f"Bearer {TOKEN}"}
    assert action.token is None  # a query-string token ends up in URLs and their logs
