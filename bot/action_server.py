"""The action server: rasa-sdk's app, on loopback by default, answering only Rasa (a shared secret).

`python -m bot.action_server [--host H] [--port P]` replaces `rasa run actions`, which listens on
every interface and takes any caller: anyone who reached :5055 could run `action_urgent_symptom`
on any conversation and write lines into its transcript.

- It listens on HELPLINE_ACTIONS_HOST, 127.0.0.1 unless set.
- Every request but GET /health must carry `Authorization: Bearer <HELPLINE_ACTIONS_TOKEN>`,
  which Rasa sends from `action_endpoint.headers` in endpoints.yml. Anything else gets 401.
  It will not start without a token of at least 32 characters.
- A failing action is answered with the error's type only: rasa-sdk's own handler echoes the
  whole request (the conversation) back, and Rasa may log that answer.
- Its logs are scrubbed of what people wrote (bot/log_privacy.py).
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
from typing import Mapping, Optional, Sequence

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import log_privacy
from bot.config import Settings

logger = logging.getLogger(__name__)

TOKEN_ENV = "HELPLINE_ACTIONS_TOKEN"
HOST_ENV = "HELPLINE_ACTIONS_HOST"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5055
MIN_TOKEN_CHARS = 32
OPEN_PATHS = frozenset({"/health"})
REQUEST_MAX_BYTES = 8 * 1024 * 1024  # a tracker window of 40 events is a few tens of KB


def token_from(env: Mapping[str, str]) -> str:
    token = Settings.from_env(env).actions_token
    if len(token) < MIN_TOKEN_CHARS:
        raise SystemExit(
            f"{TOKEN_ENV} must be set to a secret of at least {MIN_TOKEN_CHARS} characters, the same one Rasa "
            "sends (endpoints.yml); `make run` creates it in $HELPLINE_DATA_DIR/actions_token."
        )
    return token


def authorised(request: Request, token: str) -> bool:
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), token.encode())


def create_app(token: str, actions: str = "actions") -> Sanic:
    """rasa-sdk's app with the token check in front and a failure answer that says nothing about the request."""
    from rasa_sdk.endpoint import create_app as sdk_app

    if len(token) < MIN_TOKEN_CHARS:
        raise ValueError(f"the action server token must be at least {MIN_TOKEN_CHARS} characters")
    app = sdk_app(actions, cors_origins="")
    app.config.REQUEST_MAX_SIZE = REQUEST_MAX_BYTES

    @app.middleware("request")
    async def require_token(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS and request.method in ("GET", "HEAD"):
            return None
        if not authorised(request, token):
            logger.warning("action server: refused a %s %s without the shared token", request.method, request.path)
            return response.json({"error": "Only the Rasa server may call the action server."}, status=401)
        return None

    async def failed(request: Request, exception: Exception) -> HTTPResponse:
        logger.error("action server: %s failed: %s", request.path, type(exception).__name__, exc_info=exception)
        return response.json({"error": type(exception).__name__}, status=500)

    app.error_handler.add(Exception, failed)
    return app


def main(argv: Optional[Sequence[str]] = None, env: Optional[Mapping[str, str]] = None) -> None:
    env = os.environ if env is None else env
    parser = argparse.ArgumentParser(prog="python -m bot.action_server", description=__doc__.splitlines()[0])
    settings = Settings.from_env(env)
    parser.add_argument("--host", default=settings.actions_host)
    parser.add_argument("--port", type=int, default=settings.actions_port)
    parser.add_argument("--actions", default="actions", help="the package of actions (default: actions)")
    args = parser.parse_args(argv)
    token = token_from(env)

    from bot.data_dir import secure_data_dir

    secure_data_dir()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s - %(message)s")
    log_privacy.install()
    app = create_app(token, args.actions)
    logger.info("action server on http://%s:%s (requests need the shared token)", args.host, args.port)
    app.run(host=args.host, port=args.port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main(sys.argv[1:])
