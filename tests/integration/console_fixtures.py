"""Fixtures for the console's browser test: the console server and Debian's headless Chromium via Playwright."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy.orm import sessionmaker

from bot.clock import system_clock
from bot.db import make_engine, make_session_factory
from bot.handoff.nurses import NurseAccounts
from bot.handoff.service import HandoffService
from bot.wording import Wording
from tests.bot.console.conftest import ConsoleServer, start_console
from tests.integration.stack import Stack
from tests.unavailable import unavailable

PASSWORD = "a-long-browser-password"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable(
            "the playwright package is not installed in .venv (pip install playwright; no `playwright install`)"
        )
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing: run scripts/install-browser.sh")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class BrowserConsole:
    server: ConsoleServer
    service: HandoffService
    accounts: NurseAccounts


@pytest.fixture
def browser_console(tmp_path) -> Iterator[BrowserConsole]:
    server = start_console(tmp_path / "var")
    engine = make_engine(server.database_url)
    sessions: sessionmaker = make_session_factory(engine)
    try:
        yield BrowserConsole(
            server,
            HandoffService(sessions, system_clock, Wording.from_domain()),
            NurseAccounts(sessions, system_clock),
        )
    finally:
        server.stop()
        engine.dispose()


def console_for(stack: Stack) -> ConsoleServer:
    """The console on a stack's database, reading the servers' clock (HELPLINE_CLOCK_FILE)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HELPLINE_CLOCK_FILE", str(stack.clock_file))
        return start_console(stack.data_dir)


def sign_in_as(page: Any, username: str, password: str = PASSWORD) -> None:
    """Signs in on the console page shown, with the keyboard-reachable form, as a nurse would."""
    form = page.locator("#sign-in-form")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Sign in").click()
