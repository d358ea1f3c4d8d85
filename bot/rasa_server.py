"""Starts `rasa run` with its HTTP API token taken from the environment, never from the command line.

`python -m bot.rasa_server [rasa run options]` is `rasa run --enable-api --auth-token TOKEN
[options]`, with TOKEN read from RASA_AUTH_TOKEN (or the file HELPLINE_RASA_TOKEN_FILE names).
Rasa 3.6 reads its token only from `--auth-token`; here that argument is added inside this
process, so `ps` and /proc/<pid>/cmdline never show it (a process's environment is readable by
its own account only).

Before Rasa starts, the data folder is made private (bot/data_dir.py), log records are
scrubbed of what people wrote (bot/log_privacy.py), and the project's adaptations of Rasa's
internals are installed (bot/rasa_runtime): this is the one place that calls `install()`, and
it refuses to start with any Rasa but 3.6.x.
"""

from __future__ import annotations

import os
import sys
from typing import List, Mapping, Optional, Sequence

from bot.config import Settings

TOKEN_ENV = "RASA_AUTH_TOKEN"
TOKEN_FILE_ENV = "HELPLINE_RASA_TOKEN_FILE"
MIN_TOKEN_CHARS = 16
SECRET_OPTIONS = ("--auth-token", "--jwt-secret", "--jwt-private-key")


def token_from(env: Mapping[str, str]) -> str:
    settings = Settings.from_env(env)
    token = settings.rasa_auth_token
    if not token and settings.rasa_token_file:
        token = settings.rasa_token_file.read_text(encoding="utf-8").strip()
    if len(token) < MIN_TOKEN_CHARS:
        raise SystemExit(
            f"Set {TOKEN_ENV} (or {TOKEN_FILE_ENV}) to the HTTP API token, at least {MIN_TOKEN_CHARS} characters; "
            "`make run` keeps one in $HELPLINE_DATA_DIR/rasa_auth_token."
        )
    return token


def rasa_argv(options: Sequence[str], token: str) -> List[str]:
    """The arguments Rasa's own command line gets, inside this process only."""
    for option in options:
        if option.split("=", 1)[0] in SECRET_OPTIONS:
            raise SystemExit(f"{option.split('=', 1)[0]} would be visible in `ps`: set {TOKEN_ENV} instead")
    return ["rasa", "run", "--enable-api", "--auth-token", token, *options]


def main(argv: Optional[Sequence[str]] = None, env: Optional[Mapping[str, str]] = None) -> None:
    env = os.environ if env is None else env
    options = list(sys.argv[1:] if argv is None else argv)
    token = token_from(env)

    from bot import log_privacy, rasa_runtime
    from bot.data_dir import secure_data_dir

    secure_data_dir()
    log_privacy.install()  # and again once Rasa has configured structlog: bot/rasa_runtime/log_setup.py
    try:
        rasa_runtime.install()
    except rasa_runtime.UnsupportedRasaVersion as error:
        raise SystemExit(str(error)) from error

    import rasa.__main__

    sys.argv = rasa_argv(options, token)
    rasa.__main__.main()


if __name__ == "__main__":
    main()
