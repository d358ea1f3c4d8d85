"""bot/rasa_runtime/tuning.py: the same validation as stock Rasa, and one action-server session per endpoint."""

from __future__ import annotations

import asyncio

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot import rasa_runtime
from bot.rasa_runtime import tuning


@pytest.fixture(scope="module", autouse=True)
def installed():
    rasa_runtime.install()
    yield
    rasa_runtime.uninstall()


def validate(result):
    return RemoteAction("action_answer_from_content", None)._validate_action_result(result)


def test_a_valid_action_response_passes():
    assert validate({"events": [{"event": "slot", "name": "recurrence_type", "value": "local"}], "responses": []})


@pytest.mark.parametrize(
    "bad",
    [{"events": "not a list"}, {"events": [{"event": "no_such_event"}]}, {"responses": [1]}],
    ids=["events not a list", "unknown event", "response not an object"],
)
def test_an_invalid_action_response_fails_with_rasas_hint(bad):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        validate(bad)


def test_one_session_per_endpoint_and_loop_that_closes_idle_connections_before_the_server():
    async def sessions():
        first, second = EndpointConfig("http://localhost:5055/webhook"), EndpointConfig("http://localhost:5055/webhook")
        other = EndpointConfig("http://localhost:6000/webhook")
        async with first.session() as a, second.session() as b, other.session() as c:
            pass
        assert a is b and a is not c and not a.closed  # `async with` leaves the shared session open
        assert a.connector._keepalive_timeout < 5  # Sanic's keep-alive on the action server
        await a.close()
        await c.close()

    asyncio.run(sessions())


def test_helpline_rasa_tuning_off_leaves_rasa_as_it_ships(monkeypatch):
    monkeypatch.setenv("HELPLINE_RASA_TUNING", "off")
    assert tuning.patches() == []
    monkeypatch.setenv("HELPLINE_RASA_TUNING", "on")
    assert [patch.name for patch in tuning.patches()] == ["_validate_action_result", "session"]
