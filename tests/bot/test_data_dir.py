"""The data folder holds every conversation: private to the account that runs the helpline (issue 13, L7)."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from bot.data_dir import secure_data_dir


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def restore_umask():
    previous = os.umask(0o022)
    os.umask(previous)
    yield
    os.umask(previous)


def test_a_new_folder_is_0700_and_new_files_0600(tmp_path, restore_umask):
    folder = secure_data_dir(tmp_path / "var")
    assert mode(folder) == 0o700
    sqlite3.connect(folder / "tracker.db").execute("CREATE TABLE t (x)").connection.commit()
    assert mode(folder / "tracker.db") == 0o600


def test_an_existing_open_folder_and_its_files_are_narrowed(tmp_path, restore_umask):
    folder = tmp_path / "var"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    (folder / "helpline.db").write_text("x")
    (folder / "helpline.db").chmod(0o644)
    secure_data_dir(folder)
    assert mode(folder) == 0o700 and mode(folder / "helpline.db") == 0o600


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a subfolder to another account")
def test_a_folder_shared_with_another_accounts_subfolder_stays_passable_but_not_listable(tmp_path, restore_umask):
    folder = tmp_path / "scale"
    (folder / "postgres").mkdir(parents=True)
    os.chown(folder / "postgres", 65534, 65534)
    secure_data_dir(folder)
    assert mode(folder) == 0o711
