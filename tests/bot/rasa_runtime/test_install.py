"""`install()` refuses any Rasa but 3.6.x, applies each patch once, and `uninstall()` puts Rasa back as it was."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
import rasa
import rasa.__main__
import structlog
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot import log_privacy, rasa_runtime
from bot.config import PROJECT_ROOT

# (owner, attribute) of everything install() replaces, as listed in bot/rasa_runtime's docstring.
PATCHED = (
    (rasa.__main__, "configure_structlog"),
    (RemoteAction, "_validate_action_result"),
    (EndpointConfig, "session"),
)


def current() -> list:
    return [vars(owner)[name] for owner, name in PATCHED]


@pytest.fixture
def rasas_own(monkeypatch):
    """What Rasa has before the test; the test must leave it so."""
    monkeypatch.delenv("HELPLINE_RASA_TUNING", raising=False)
    rasa_runtime.uninstall()
    before = current()
    yield before
    rasa_runtime.uninstall()
    assert current() == before


def test_install_replaces_each_attribute_and_uninstall_puts_rasas_back(rasas_own):
    rasa_runtime.install()
    assert all(patched is not original for patched, original in zip(current(), rasas_own, strict=True))
    rasa_runtime.uninstall()
    assert current() == rasas_own
    assert all(original.__module__.startswith("rasa.") for original in rasas_own)


def test_install_twice_patches_once(rasas_own):
    rasa_runtime.install()
    first = current()
    rasa_runtime.install()
    assert current() == first
    rasa_runtime.uninstall()  # one uninstall undoes both calls
    assert current() == rasas_own


@pytest.mark.parametrize("version", ["3.7.0", "3.5.17", "4.0.0", "13.6.1"])
def test_any_rasa_but_3_6_is_refused_before_anything_is_patched(rasas_own, monkeypatch, version):
    monkeypatch.setattr(rasa, "__version__", version)
    with pytest.raises(rasa_runtime.UnsupportedRasaVersion, match=f"Rasa {version} is installed"):
        rasa_runtime.install()
    assert current() == rasas_own


def test_rasa_3_6_patch_releases_are_accepted(rasas_own, monkeypatch):
    monkeypatch.setattr(rasa, "__version__", "3.6.99")
    rasa_runtime.install()
    assert current() != rasas_own


def test_the_scrubber_is_back_in_structlog_after_rasa_configures_it(rasas_own, caplog):
    saved = structlog.get_config()
    rasa_runtime.install()
    try:
        with caplog.at_level(logging.INFO, logger="bot.rasa_runtime"):
            rasa.__main__.configure_structlog(None)  # as `rasa run` does, replacing the processors
        assert log_privacy.scrub_event in structlog.get_config()["processors"]
    finally:
        structlog.configure(**saved)
    assert caplog.messages == [
        "Rasa runtime installed: RemoteAction._validate_action_result, EndpointConfig.session, "
        "rasa.__main__.configure_structlog"
    ]


def test_importing_every_module_patches_nothing():
    """In a fresh interpreter: importing the package and each module leaves Rasa's attributes as they ship."""
    script = """
import pkgutil, importlib
import bot.rasa_runtime as package
for module in pkgutil.iter_modules(package.__path__):
    importlib.import_module("bot.rasa_runtime." + module.name)
import rasa.__main__
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig
owners = [rasa.__main__.configure_structlog, RemoteAction._validate_action_result, EndpointConfig.session]
print(" ".join(owner.__module__ for owner in owners))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["rasa.utils.log_utils", "rasa.core.actions.action", "rasa.utils.endpoints"]
