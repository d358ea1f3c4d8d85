"""`python -m bot.rasa_server` keeps Rasa's HTTP API token off the command line (issue 13, M5)."""

from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT
from bot.rasa_server import rasa_argv, token_from

TOKEN = "s3cret-token-" + "x" * 20


def test_the_token_comes_from_the_environment_or_its_file(tmp_path):
    assert token_from({"RASA_AUTH_TOKEN": TOKEN}) == TOKEN
    path = tmp_path / "rasa_auth_token"
    path.write_text(TOKEN + "\n")
    assert token_from({"HELPLINE_RASA_TOKEN_FILE": str(path)}) == TOKEN
    for env in ({}, {"RASA_AUTH_TOKEN": "short"}):
        with pytest.raises(SystemExit):
            token_from(env)


def test_rasa_gets_the_token_inside_the_process_and_secrets_on_the_command_line_are_refused():
    argv = rasa_argv(["--port", "5005"], TOKEN)
    assert argv == ["rasa", "run", "--enable-api", "--auth-token", TOKEN, "--port", "5005"]
    for option in ("--auth-token", "--auth-token=x", "--jwt-secret"):
        with pytest.raises(SystemExit):
            rasa_argv([option, "x"], TOKEN)


def test_the_launchers_never_put_the_token_on_a_command_line():
    """scripts/run.sh and the scale profile; the end-to-end stack checks the running process's /proc cmdline."""
    script = (PROJECT_ROOT / "scripts" / "run.sh").read_text()
    assert "--auth-token" not in script and "bot.rasa_server" in script
    scaled = (PROJECT_ROOT / "ops" / "scaled.py").read_text()
    assert '"--auth-token"' not in scaled and "bot.rasa_server" in scaled
