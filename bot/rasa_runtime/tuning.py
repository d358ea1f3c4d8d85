"""Two per-message costs of stock Rasa 3.6 removed, with the same behaviour (measured in BENCHMARKS.md).

1. `RemoteAction._validate_action_result` calls `jsonschema.validate`, which checks the constant
   response schema against the JSON Schema meta-schema on every custom-action call: about half of
   the Rasa process's time per message. Here the validator is built once and every response is
   still validated against the same schema.
2. `EndpointConfig.request` opens a new aiohttp session, so a new TCP connection, for every call to
   the action server. Here each event loop keeps one session per endpoint and reuses its connections.

Nothing happens at import; `patches()` says what to replace, and `bot.rasa_runtime.install()`
applies it when the Rasa server starts. HELPLINE_RASA_TUNING=off leaves Rasa as it ships (the
benchmark measures both).
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from typing import Any, Dict, List, Optional

from bot.rasa_runtime.patching import Patch


@functools.lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would do each time
    return cls(schema)


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    """Same errors as Rasa's own version: the best-matching ValidationError, with Rasa's hint appended."""
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match

    error: Optional[ValidationError] = best_match(_action_result_validator().iter_errors(result))
    if error is None:
        return True
    from rasa.shared.constants import DOCS_BASE_URL

    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the "
        "Action endpoint is valid. For more information about the format visit " + DOCS_BASE_URL + "/custom-actions"
    )
    raise error


class _ReusedSession:
    """Looks like `aiohttp.ClientSession` in `async with`, but leaves the shared session open."""

    def __init__(self, session: Any):
        self._session = session

    async def __aenter__(self) -> Any:
        return self._session

    async def __aexit__(self, *exc: Any) -> None:
        return None


# One aiohttp session per (event loop, endpoint settings); dropped with the loop.
_sessions: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Dict[Any, Any]] = weakref.WeakKeyDictionary()


def _endpoint_key(endpoint: Any) -> Any:
    """What a session is built from; endpoints with the same settings may share one."""
    return (
        endpoint.url,
        tuple(sorted((endpoint.headers or {}).items())),
        tuple(sorted((endpoint.basic_auth or {}).items())),
    )


# The action server (Sanic) closes a connection after 5 s idle. Closing ours sooner means a request
# is never written to a connection the server is closing at that moment, which would lose the action.
IDLE_CONNECTION_SECONDS = 2.0


def _new_session(endpoint: Any) -> Any:
    """What Rasa's `EndpointConfig.session` builds, with a connector that lets idle connections go first."""
    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    auth = None
    if endpoint.basic_auth:
        auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
    return aiohttp.ClientSession(
        headers=endpoint.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=aiohttp.TCPConnector(keepalive_timeout=IDLE_CONNECTION_SECONDS),
    )


def _shared_session(self: Any, original: Any) -> Any:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not in a loop: behave as stock Rasa
        return original(self)
    per_loop = _sessions.setdefault(loop, {})
    key = _endpoint_key(self)
    session = per_loop.get(key)
    if session is None or session.closed:
        session = _new_session(self)
        per_loop[key] = session
    return _ReusedSession(session)


def patches() -> List[Patch]:
    """Both changes, or none when HELPLINE_RASA_TUNING=off."""
    from bot.config import Settings

    if not Settings.from_env().rasa_tuning:
        return []
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig

    return [
        Patch(RemoteAction, "_validate_action_result", _validate_action_result),
        Patch(EndpointConfig, "session", functools.partialmethod(_shared_session, EndpointConfig.session)),
    ]
