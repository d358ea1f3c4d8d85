"""Fixtures for the chat widget's browser test: the real servers with the web chat channel, and headless Chromium."""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest
import requests

from bot.clock import FileClock
from bot.config import PROJECT_ROOT
from bot.db import make_engine, make_session_factory
from bot.handoff.nurses import NurseAccounts
from bot.handoff.service import HandoffService
from bot.wording import Wording
from ops.ports import free_port
from tests.bot.console.conftest import ConsoleServer
from tests.integration.console_fixtures import console_for
from tests.integration.stack import MODEL, MONDAY_10AM, Stack
from tests.unavailable import unavailable

VIEWPORT = {"width": 1280, "height": 860}
ANSWER = 30_000  # ms: the first answers load the model's lazy parts
LIVE = 10_000  # ms: the outbox pusher polls every 0.25 s
NURSE_PASSWORD = "a long enough password"
WIDGET_BUNDLE = PROJECT_ROOT / "node_modules" / "rasa-webchat" / "lib" / "index.js"
CREDENTIALS = """\
# Written by tests/integration/widget_fixtures.py: the REST channel and the website chat widget's channel.
bot.channels.rest.HelplineRestInput:
bot.channels.webchat.SecureSocketIOInput:
  cors_allowed_origins: ["{website}"]
"""
WEBSITE_PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>A charity's website</title></head>
<body><main><h1>Breast cancer charity</h1></main>
<div id="webchat"></div>
<script src="{rasa}/webhooks/socketio/widget.js"></script>
<script src="{rasa}/webhooks/socketio/accessible.js"></script>
<script>
  var holder = document.getElementById("webchat");
  window.WebChat.default({{socketUrl: "{rasa}", socketPath: "/socket.io/", title: "Nurse helpline assistant",
    initPayload: "/greet", customMessageDelay: function () {{ return 200; }},
    onSocketEvent: window.HelplineAccessibleWidget.socketEvents}}, holder);
  window.HelplineAccessibleWidget(holder);
</script></body></html>
"""


@dataclass
class WidgetStack(Stack):
    """The servers as `make run` starts them (with `--cors "*"`), and a credentials file (in data_dir) that
    enables the web chat for the demo page and for one other website (`website`)."""

    website_port: int = field(default_factory=free_port)
    rasa_args: tuple = ("--cors", "*")  # as scripts/run.sh passes it

    @property
    def website(self) -> str:
        return f"http://127.0.0.1:{self.website_port}"

    @property
    def credentials(self) -> Path:
        return self.data_dir / "credentials.yml"

    @property
    def demo_url(self) -> str:
        return f"{self.url}/webhooks/socketio/demo"

    def before_start(self) -> None:
        self.credentials.write_text(CREDENTIALS.format(website=self.website))

    def tracker_texts(self, conversation_id: str) -> list[str]:
        """Every user and bot text Rasa stored for a conversation (HTTP API, with the token)."""
        got = requests.get(
            f"{self.url}/conversations/{conversation_id}/tracker", params={"token": self.token}, timeout=30
        )
        got.raise_for_status()
        return [e.get("text") or "" for e in got.json().get("events", []) if e.get("event") in ("user", "bot")]


@pytest.fixture(scope="module")
def widget_stack(tmp_path_factory) -> Iterator[WidgetStack]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does)")
    if not WIDGET_BUNDLE.exists():
        unavailable(f"{WIDGET_BUNDLE} is missing: run scripts/install-widget.sh")
    stack = WidgetStack(tmp_path_factory.mktemp("widget"))
    stack.set_clock(MONDAY_10AM)
    subprocess.run([sys.executable, "-m", "bot.content", "import"], cwd=PROJECT_ROOT, env=stack.env, check=True)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


class Website:
    """A charity's web page that embeds the widget from the Rasa server, served from another origin."""

    def __init__(self, port: int, rasa_url: str):
        page = WEBSITE_PAGE.format(rasa=rasa_url).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                status = 200 if self.path == "/" else 404
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(page if status == 200 else b"")

            def log_message(self, *args: Any) -> None:
                pass

        self.url = f"http://127.0.0.1:{port}/"
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def websites(widget_stack: WidgetStack) -> Iterator[tuple[Website, Website]]:
    """The website listed in cors_allowed_origins, and one that is not."""
    listed = Website(widget_stack.website_port, widget_stack.url)
    unlisted = Website(free_port(), widget_stack.url)
    try:
        yield listed, unlisted
    finally:
        listed.stop()
        unlisted.stop()


@dataclass
class NurseSide:
    """What the nurse console does, on the same database as the running servers."""

    service: HandoffService
    nurse_id: int
    nurse_name: str
    accounts: NurseAccounts  # for nurses who sign in to the console (password NURSE_PASSWORD)


@pytest.fixture(scope="module")
def nurse_side(widget_stack: WidgetStack) -> Iterator[NurseSide]:
    from argon2 import PasswordHasher

    engine = make_engine(widget_stack.database_url)
    sessions = make_session_factory(engine)
    clock = FileClock(widget_stack.clock_file)  # the servers' clock: waits are measured on one time line
    accounts = NurseAccounts(sessions, clock, PasswordHasher(time_cost=1, memory_cost=1024))
    nurse = accounts.create(f"amy-{uuid.uuid4().hex[:8]}", "Nurse Amy", NURSE_PASSWORD)
    try:
        yield NurseSide(HandoffService(sessions, clock, Wording.from_domain()), nurse.id, "Nurse Amy", accounts)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def widget_console(widget_stack: WidgetStack) -> Iterator[ConsoleServer]:
    """The nurse console on the widget's servers' database and clock."""
    console = console_for(widget_stack)
    try:
        yield console
    finally:
        console.stop()


class WidgetPage:
    """The demo page in one browser context, with what it loaded and any errors it raised."""

    def __init__(self, context: Any, stack: WidgetStack):
        self.context = context
        self.stack = stack
        self.page = context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.sent: list[str] = []  # what the widget sent over socket.io (long-polling posts and websocket frames)
        self.page.on("request", self._on_request)
        self.page.on("websocket", lambda socket: socket.on("framesent", lambda frame: self.sent.append(str(frame))))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)

    def _on_request(self, request: Any) -> None:
        self.requests.append(request.url)
        if request.method == "POST" and "/socket.io/" in request.url:
            self.sent.append(request.post_data or "")

    def open(self) -> None:
        """Loads the demo page and opens the chat; a new conversation starts with the assistant's notice."""
        from playwright.sync_api import expect

        self.page.goto(self.stack.demo_url)
        launcher = self.page.locator(".rw-launcher")
        if self.page.locator(".rw-conversation-container").count() == 0:
            launcher.click()
        expect(self.page.locator(".rw-conversation-container")).to_be_visible()

    def say(self, text: str) -> None:
        box = self.page.locator(".rw-new-message")
        box.fill(text)
        box.press("Enter")

    @property
    def messages(self) -> Any:
        return self.page.locator(".rw-messages-container")

    def forge_session(self, session_id: str) -> None:
        """Edits the widget's stored session to `session_id` (history emptied) and reloads, as an attacker would."""
        stored = self.stored_session() or {}
        stored.update(session_id=session_id, conversation=[])
        self.page.evaluate("stored => window.localStorage.setItem('chat_session', stored)", json.dumps(stored))
        self.page.reload()

    def stored_session(self) -> Optional[dict]:
        raw = self.page.evaluate("window.localStorage.getItem('chat_session')")
        return json.loads(raw) if raw else None

    def token(self) -> str:
        session = self.stored_session()
        assert session and session.get("session_id"), session
        return session["session_id"]

    def conversation_id(self) -> str:
        """The id inside the token (readable by its holder; only the signature makes it usable)."""
        body = self.token().split(".")[1]
        return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))["sub"]

    def outside_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith((self.stack.url, "data:", "blob:"))]


@contextlib.contextmanager
def widget_person(chromium: Any, stack: WidgetStack, viewport: Optional[dict] = None) -> Iterator[WidgetPage]:
    """A person with a browser of their own on the stack (no page loaded yet), closed however the test ends."""
    context = chromium.new_context(viewport=viewport or VIEWPORT)
    try:
        yield WidgetPage(context, stack)
    finally:
        context.close()


def responses(person: WidgetPage, text: str) -> Any:
    return person.messages.locator(".rw-response").filter(has_text=text)


def greeted(person: WidgetPage) -> None:
    """Waits for the whole greeting: its last message's chips, so a message sent next is not shown before it."""
    from playwright.sync_api import expect

    expect(responses(person, "not a diagnosis")).to_have_count(1, timeout=ANSWER)
    expect(person.messages.locator(".rw-replies .rw-reply").first).to_be_visible(timeout=ANSWER)
