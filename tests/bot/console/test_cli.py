"""`python -m bot.console` nurse commands, on a fresh SQLite database per test."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from bot.clock import system_clock
from bot.config import PROJECT_ROOT
from bot.console.__main__ import main
from bot.db import make_engine, make_session_factory
from bot.handoff.nurses import NurseAccounts
from tests.bot.console.conftest import console_env

PASSWORD = "correct-horse-battery"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    for name, value in console_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("HELPLINE_NURSE_PASSWORD", raising=False)
    return tmp_path


@pytest.fixture
def accounts(data_dir):
    engine = make_engine(f"sqlite:///{data_dir / 'helpline.db'}")
    yield NurseAccounts(make_session_factory(engine), system_clock)
    engine.dispose()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_create_nurse_with_the_password_from_the_environment(data_dir, accounts, capsys, monkeypatch):
    monkeypatch.setenv("HELPLINE_NURSE_PASSWORD", PASSWORD)
    code, out, err = run(capsys, "create-nurse", "--username", "Jo.Bloggs", "--name", "Jo Bloggs")
    assert (code, err) == (0, "")
    assert "Created nurse 'jo.bloggs' (Jo Bloggs)" in out
    nurse = accounts.authenticate("jo.bloggs", PASSWORD)
    assert nurse is not None and nurse.role == "nurse" and nurse.display_name == "Jo Bloggs"


def test_create_an_admin_with_the_password_on_stdin(data_dir, accounts, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code, out, _ = run(
        capsys, "create-nurse", "--username", "sam", "--name", "Sam", "--role", "admin", "--password-stdin"
    )
    assert code == 0 and "Created admin 'sam'" in out
    nurse = accounts.authenticate("sam", PASSWORD)
    assert nurse is not None and nurse.role == "admin"


def test_password_stdin_that_is_empty_fails(data_dir, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, _, err = run(capsys, "create-nurse", "--username", "sam", "--name", "Sam", "--password-stdin")
    assert code == 1 and "nothing was given on standard input" in err


def test_the_prompt_asks_twice(data_dir, accounts, capsys, monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    prompts = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt) or next(answers))
    code, _, _ = run(capsys, "create-nurse", "--username", "ali", "--name", "Ali")
    assert code == 0 and len(prompts) == 2
    assert accounts.authenticate("ali", PASSWORD) is not None


def test_two_different_passwords_at_the_prompt_create_nothing(data_dir, accounts, capsys, monkeypatch):
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    code, _, err = run(capsys, "create-nurse", "--username", "ali", "--name", "Ali")
    assert code == 1 and "not the same" in err
    assert accounts.list() == []


def test_no_password_and_no_terminal_is_a_clear_error(data_dir, capsys, monkeypatch):
    def no_terminal(prompt):
        raise EOFError

    monkeypatch.setattr("getpass.getpass", no_terminal)
    code, _, err = run(capsys, "create-nurse", "--username", "ali", "--name", "Ali")
    assert code == 1 and "HELPLINE_NURSE_PASSWORD" in err and "--password-stdin" in err


def test_a_duplicate_username_is_an_error(data_dir, capsys, monkeypatch):
    monkeypatch.setenv("HELPLINE_NURSE_PASSWORD", PASSWORD)
    assert run(capsys, "create-nurse", "--username", "jo", "--name", "Jo")[0] == 0
    code, out, err = run(capsys, "create-nurse", "--username", "JO", "--name", "Another Jo")
    assert code == 1 and out == ""
    assert err == "error: username: 'jo' is already taken\n"


def test_a_short_password_is_an_error(data_dir, accounts, capsys, monkeypatch):
    monkeypatch.setenv("HELPLINE_NURSE_PASSWORD", "short")
    code, _, err = run(capsys, "create-nurse", "--username", "jo", "--name", "Jo")
    assert code == 1 and err == "error: password: at least 12 characters\n"
    assert accounts.list() == []


def test_a_bad_username_is_an_error(data_dir, capsys, monkeypatch):
    monkeypatch.setenv("HELPLINE_NURSE_PASSWORD", PASSWORD)
    code, _, err = run(capsys, "create-nurse", "--username", "jo bloggs", "--name", "Jo")
    assert code == 1 and "username:" in err


def test_an_unknown_role_is_a_usage_error(data_dir, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["create-nurse", "--username", "jo", "--name", "Jo", "--role", "boss"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'boss'" in capsys.readouterr().err


def test_list_nurses(data_dir, capsys, monkeypatch):
    code, out, _ = run(capsys, "list-nurses")
    assert code == 0 and "No nurse accounts yet" in out
    monkeypatch.setenv("HELPLINE_NURSE_PASSWORD", PASSWORD)
    run(capsys, "create-nurse", "--username", "zoe", "--name", "Zoe Adams")
    run(capsys, "create-nurse", "--username", "amir", "--name", "Amir Khan", "--role", "admin")
    code, out, _ = run(capsys, "list-nurses")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["ID", "USERNAME", "NAME", "ROLE", "STATUS"]
    assert lines[1].split() == ["2", "amir", "Amir", "Khan", "admin", "active"]
    assert lines[2].split() == ["1", "zoe", "Zoe", "Adams", "nurse", "active"]


def test_deactivate_and_reactivate_a_nurse(data_dir, accounts, capsys, monkeypatch):
    monkeypatch.setenv("HELPLINE_NURSE_PASSWORD", PASSWORD)
    run(capsys, "create-nurse", "--username", "jo", "--name", "Jo")
    code, out, _ = run(capsys, "deactivate-nurse", "--username", "Jo")
    assert code == 0 and "Deactivated 'jo'" in out
    assert accounts.authenticate("jo", PASSWORD) is None
    assert "deactivated" in run(capsys, "list-nurses")[1]
    assert run(capsys, "activate-nurse", "--username", "jo")[0] == 0
    assert accounts.authenticate("jo", PASSWORD) is not None


def test_deactivating_an_unknown_username_is_an_error(data_dir, capsys):
    code, _, err = run(capsys, "deactivate-nurse", "--username", "ghost")
    assert code == 1 and err == "error: there is no nurse with username 'ghost'\n"


def test_the_module_runs_as_a_command(tmp_path):
    env = {**console_env(tmp_path), "HELPLINE_NURSE_PASSWORD": PASSWORD}
    command = [sys.executable, "-m", "bot.console"]
    created = subprocess.run(
        command + ["create-nurse", "--username", "kim", "--name", "Kim"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    assert "Created nurse 'kim'" in created.stdout
    again = subprocess.run(
        command + ["create-nurse", "--username", "kim", "--name", "Kim"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 1 and "already taken" in again.stderr
    listed = subprocess.run(
        command + ["list-nurses"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert listed.returncode == 0 and "kim" in listed.stdout
