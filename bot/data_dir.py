"""The data folder is private to the account that runs the helpline: mode 0700, and files created 0600.

It holds every conversation (tracker.db, helpline.db and their WAL files), the logs and the
keys. Each server process calls `secure_data_dir()` before it opens anything there.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Optional

from bot.config import Settings

PRIVATE_DIR = 0o700
PASSABLE_DIR = 0o711
PRIVATE_UMASK = 0o077


def secure_data_dir(path: Optional[Path] = None) -> Path:
    """Creates the folder 0700 (or narrows it) and makes this process create files 0600.

    The scale profile keeps PostgreSQL's cluster (owned by the postgres account) inside the
    folder; while another account owns something in it, the folder is 0711 instead: that
    account can reach its own subfolder, but nobody else can list the folder or read our files.
    """
    path = Path(path) if path is not None else Settings.from_env().data_dir
    os.umask(PRIVATE_UMASK)
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    me = os.geteuid()
    shared = False
    for child in path.iterdir():
        info = child.lstat()
        if info.st_uid != me:
            shared = True
        elif stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) & 0o077:
            child.chmod(stat.S_IMODE(info.st_mode) & 0o700)  # e.g. helpline.db, made by `make migrate`
    wanted = PASSABLE_DIR if shared else PRIVATE_DIR
    if stat.S_IMODE(path.stat().st_mode) != wanted:
        path.chmod(wanted)
    return path
