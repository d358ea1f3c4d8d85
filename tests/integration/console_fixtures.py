"""Fixtures for the console's browser test: the console server and Debian's headless Chromium via Playwright."""

from __future__ import annotations

import contextlib
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest
from sqlalchemy.orm import sessionmaker

from bot.clock import system_clock
from bot.config import PROJECT_ROOT
from bot.db import make_engine, make_session_factory
from bot.handoff.nurses import NurseAccounts
from bot.handoff.service import HandoffService
from bot.wording import Wording
from tests.bot.console.conftest import ConsoleServer, start_console
from tests.integration.stack import Stack
from tests.unavailable import unavailable

PASSWORD = "a-long-browser-password"
VIEWPORT = {"width": 1366, "height": 900}
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
    hours_file: Path  # the console's own copy of config/helpline.yml (HELPLINE_CONFIG), which a test may edit


@pytest.fixture
def browser_console(tmp_path) -> Iterator[BrowserConsole]:
    hours_file = tmp_path / "helpline.yml"
    shutil.copyfile(PROJECT_ROOT / "config" / "helpline.yml", hours_file)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HELPLINE_CONFIG", str(hours_file))
        server = start_console(tmp_path / "var")
    engine = make_engine(server.database_url)
    sessions: sessionmaker = make_session_factory(engine)
    try:
        yield BrowserConsole(
            server,
            HandoffService(sessions, system_clock, Wording.from_domain()),
            NurseAccounts(sessions, system_clock),
            hours_file,
        )
    finally:
        server.stop()
        engine.dispose()


def console_for(stack: Stack) -> ConsoleServer:
    """The console on a stack's database, reading the servers' clock and hours file, as every process does."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HELPLINE_CLOCK_FILE", str(stack.clock_file))
        patch.setenv("HELPLINE_CONFIG", str(stack.hours_file))
        return start_console(stack.data_dir)


def sign_in_as(page: Any, username: str, password: str = PASSWORD) -> None:
    """Signs in on the console page shown, with the keyboard-reachable form, as a nurse would."""
    form = page.locator("#sign-in-form")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Sign in").click()


@contextlib.contextmanager
def console_page(
    chromium: Any,
    url: str,
    username: Optional[str] = None,
    errors: Optional[list[str]] = None,
    *,
    page_clock: bool = False,
) -> Iterator[Any]:
    """The console page in a browser of its own, closed however the test ends.

    Signed in as `username`, with the live feed connected, when one is given. Page errors go to `errors`. With
    `page_clock`, the page's own timers run on Playwright's clock, so a test can move them on (clock.fast_forward).
    """
    from playwright.sync_api import expect

    context = chromium.new_context(viewport=VIEWPORT)
    try:
        if page_clock:
            context.clock.install()
        page = context.new_page()
        if errors is not None:
            page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{url}/console")
        if username is not None:
            sign_in_as(page, username)
            expect(page.locator("#connection")).to_have_text("Live", timeout=5000)
        yield page
    finally:
        context.close()


@contextlib.contextmanager
def jo_and_sam(chromium: Any, browser_console: BrowserConsole, errors: list[str]) -> Iterator[tuple[Any, Any]]:
    """Two nurses, Jo and Sam, each signed in to the console in a browser of their own."""
    url = browser_console.server.url
    browser_console.accounts.create("jo", "Jo Bloggs", PASSWORD)
    browser_console.accounts.create("sam", "Sam Patel", PASSWORD)
    with console_page(chromium, url, "jo", errors) as jo, console_page(chromium, url, "sam", errors) as sam:
        yield jo, sam


def press(page, locator) -> None:
    """Reaches a control with the keyboard's focus and presses Enter on it, as a keyboard user does."""
    locator.focus()
    page.keyboard.press("Enter")


def waiting_person(service, reason: str = "Asked to talk to a nurse") -> tuple[int, str]:
    conversation = f"web-{uuid.uuid4().hex}"
    handoff = service.request(
        conversation,
        channel="socketio",
        reason=reason,
        transcript=[("person", "I've found a lump near my scar"), ("bot", "I'll find you one of our nurses.")],
    ).handoff.id
    return handoff, conversation


def claim_by_keyboard(page, handoff: int) -> None:
    from playwright.sync_api import expect

    entry = page.locator(f'#queue button[data-id="{handoff}"]')
    entry.wait_for(timeout=5000)
    press(page, entry)
    expect(page.locator("#conversation-title")).to_be_focused()
    press(page, page.get_by_role("button", name="Claim this conversation"))
    expect(page.locator("#fact-state")).to_have_text("You are looking after this")
