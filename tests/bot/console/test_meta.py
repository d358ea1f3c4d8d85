"""GET /api/meta: the console page's words for the API's names and its limits, defined once and copied nowhere."""

from __future__ import annotations

import importlib
import re
from html.parser import HTMLParser

import requests

from bot.console.app import STATIC_DIR
from bot.console.meta import (
    AUTHOR_NAMES,
    AVAILABILITY_NAMES,
    CHANNEL_NAMES,
    LIMITS,
    OUTCOME_NEEDING_NOTE,
    OUTCOMES,
    PRIORITY_NAMES,
    ROLE_NAMES,
    STATE_NAMES,
    page_meta,
)
from bot.handoff import models
from bot.limits import MAX_OUTCOME_CHARS
from bot.models import Author
from tests.bot.console.conftest import conversation, sign_in

# credentials.yml's class paths for every channel the server can run (README: the SMS line is enabled per deployment).
INPUT_CHANNELS = (
    "bot.channels.rest.HelplineRestInput",
    "bot.channels.webchat.SecureSocketIOInput",
    "bot.channels.sms.TwilioSmsInput",
)


class _PageLimits(HTMLParser):
    """The limits index.html names (data-limit, data-max-length), its maxlength attributes and the outcomes offered."""

    def __init__(self) -> None:
        super().__init__()
        self.named: set[str] = set()
        self.maxlengths: list[str] = []
        self.outcomes: list[str] = []
        self._in_outcome = self._in_option = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        self.named.update(found[name] for name in ("data-limit", "data-max-length") if name in found)
        if "maxlength" in found:
            self.maxlengths.append(tag)
        if tag == "select":
            self._in_outcome = found.get("id") == "close-outcome"
        self._in_option = tag == "option" and self._in_outcome and found.get("value") != ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._in_outcome = False
        if tag == "option":
            self._in_option = False

    def handle_data(self, data: str) -> None:
        if self._in_option:
            self.outcomes.append(data)


def _page() -> _PageLimits:
    parser = _PageLimits()
    parser.feed((STATIC_DIR / "index.html").read_text(encoding="utf-8"))
    return parser


def _scripts() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(STATIC_DIR.glob("*.js"))}


def test_each_table_has_words_for_every_stored_name():
    assert set(STATE_NAMES) == set(models.State)
    assert set(AUTHOR_NAMES) == set(Author)
    assert set(PRIORITY_NAMES) == set(models.Priority)
    assert set(ROLE_NAMES) == set(models.Role)
    assert set(AVAILABILITY_NAMES) == set(models.Availability)
    assert next(iter(ROLE_NAMES)) == "nurse"  # the page offers the first role first; the API's default role
    assert all(
        words.strip()
        for table in (STATE_NAMES, AUTHOR_NAMES, PRIORITY_NAMES, ROLE_NAMES, AVAILABILITY_NAMES)
        for words in table.values()
    )


def test_the_channels_named_are_the_channels_the_server_has():
    names = set()
    for path in INPUT_CHANNELS:
        module, _, name = path.rpartition(".")
        names.add(getattr(importlib.import_module(module), name).name())
    assert names == set(CHANNEL_NAMES)


def test_the_page_takes_every_limit_from_the_meta_and_copies_none():
    page = _page()
    assert page.named == set(LIMITS), "index.html's data-limit / data-max-length names and the meta's limits differ"
    assert page.maxlengths == [], "a maxlength written into index.html rather than set from GET /api/meta"
    texts = {"index.html": (STATIC_DIR / "index.html").read_text(encoding="utf-8"), **_scripts()}
    for name, value in LIMITS.items():
        for file, text in texts.items():
            assert not re.search(rf"(?<![\w.]){value}(?![\w.])", text), f"{file} copies the {name} limit ({value})"


def test_no_page_file_copies_the_words_for_a_name():
    scripts = _scripts()
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    for table in (CHANNEL_NAMES, STATE_NAMES, AUTHOR_NAMES, PRIORITY_NAMES, ROLE_NAMES, AVAILABILITY_NAMES):
        for words in table.values():
            assert f">{words}<" not in html, words
            for file, text in scripts.items():
                assert f'"{words}"' not in text, (file, words)


def test_the_outcomes_come_from_the_meta_and_the_page_copies_none():
    assert _page().outcomes == [], "an outcome written into index.html rather than taken from GET /api/meta"
    assert "Information and support given" in OUTCOMES and OUTCOME_NEEDING_NOTE in OUTCOMES
    assert all(len(outcome) <= MAX_OUTCOME_CHARS for outcome in OUTCOMES)
    assert [o["text"] for o in page_meta()["outcomes"] if o["needs_note"]] == [OUTCOME_NEEDING_NOTE]
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    for outcome in OUTCOMES:
        assert outcome not in html, outcome
        for file, text in _scripts().items():
            assert f'"{outcome}"' not in text, (file, outcome)


def test_the_meta_needs_a_session(console_server):
    response = requests.get(f"{console_server.url}/api/meta", timeout=10)
    assert response.status_code == 401 and response.json() == {"error": "Please sign in."}


def test_the_meta_gives_the_page_the_names_and_the_limits_the_server_enforces(
    console_server, nurse, admin, handoff_service
):
    client = sign_in(console_server.url, nurse)
    response = client.get(f"{console_server.url}/api/meta", timeout=10)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    meta = response.json()
    assert meta == page_meta()
    assert meta["channels"]["twilio"] == "Text message" and meta["roles"]["admin"] == "Administrator"
    assert list(meta["roles"]) == list(ROLE_NAMES)  # the order survives JSON: the page offers them in it
    limits = meta["limits"]

    placed = handoff_service.request(
        conversation(), channel="rest", reason="asked for a nurse", transcript=[("person", "hi")]
    )
    base = f"{console_server.url}/api/handoffs/{placed.handoff.id}"
    assert client.post(f"{base}/claim", timeout=10).status_code == 200
    assert client.post(f"{base}/reply", json={"text": "x" * (limits["reply"] + 1)}, timeout=10).status_code == 422
    assert client.post(f"{base}/reply", json={"text": "x" * limits["reply"]}, timeout=10).status_code == 201
    too_long = {"outcome": "Other", "note": "x" * (limits["outcome_note"] + 1)}
    assert client.post(f"{base}/close", json=too_long, timeout=10).status_code == 422
    closing = {"outcome": "Other", "note": "x" * limits["outcome_note"]}
    assert client.post(f"{base}/close", json=closing, timeout=10).status_code == 200

    boss = sign_in(console_server.url, admin)
    too_long = "x" * (limits["pause_message"] + 1)
    assert boss.post(f"{console_server.url}/api/pause", json={"message": too_long}, timeout=10).status_code == 422
    for length, status in ((limits["password_min"] - 1, 422), (limits["password_min"], 201)):
        account = {
            "username": f"meta-{length}-{placed.handoff.id}",
            "display_name": "Meta Test",
            "password": "p" * length,
        }
        assert boss.post(f"{console_server.url}/api/nurses", json=account, timeout=10).status_code == status
