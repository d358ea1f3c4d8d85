"""`python -m bot.rasa_server`: the API token off the command line (issue 13, M5), the Rasa runtime installed."""

from __future__ import annotations

import sys

import pytest
from rasa.core.actions.action import RemoteAction

from bot.config import PROJECT_ROOT
from bot.rasa_server import main, rasa_argv, token_from

TOKEN = "s3cret-token-" + "x" * 20
VALIDATE = "_validate_action_result"


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
    """The one launcher (ops/processes.py) starts Rasa through bot.rasa_server; `make run` and the scale profile use it.

    The end-to-end stack checks the running process's /proc cmdline.
    """
    launcher = (PROJECT_ROOT / "ops" / "processes.py").read_text()
    assert '"--auth-token"' not in launcher and '"bot.rasa_server"' in launcher
    script = (PROJECT_ROOT / "scripts" / "run.sh").read_text()
    assert "--auth-token" not in script and "ops.processes" in script
    scaled = (PROJECT_ROOT / "ops" / "scaled.py").read_text()
    assert '"--auth-token"' not in scaled and "from ops import processes" in scaled


@pytest.fixture
def rasa_started(monkeypatch):
    """`main` up to Rasa's own start: what Rasa would be started with, and whether the runtime was installed by then."""
    import rasa.__main__

    from bot import data_dir, rasa_runtime

    started = []
    monkeypatch.setattr(data_dir, "secure_data_dir", lambda: None)
    monkeypatch.setattr(rasa.__main__, "main", lambda: started.append((list(sys.argv), vars(RemoteAction)[VALIDATE])))
    monkeypatch.setattr(sys, "argv", ["python"])
    monkeypatch.delenv("HELPLINE_RASA_TUNING", raising=False)
    yield started
    rasa_runtime.uninstall()


def test_the_rasa_runtime_is_installed_before_rasa_starts(rasa_started):
    shipped = vars(RemoteAction)[VALIDATE]
    main(["--port", "5005"], {"RASA_AUTH_TOKEN": TOKEN})
    [(argv, validate)] = rasa_started
    assert argv == rasa_argv(["--port", "5005"], TOKEN)
    assert validate is not shipped and validate.__module__ == "bot.rasa_runtime.tuning"


def test_another_rasa_version_stops_the_server_before_it_starts(rasa_started, monkeypatch):
    import rasa

    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(SystemExit, match="Rasa 3.7.0 is installed"):
        main([], {"RASA_AUTH_TOKEN": TOKEN})
    assert rasa_started == []
