"""The running servers with the SMS channel on, a stand-in for Twilio's REST API, and signed webhooks.

The stand-in listens on 127.0.0.1 and records each message the bot sends, answering like
Twilio (201 and the message resource), or with 500 for the next N requests when told to.
Webhook requests are signed with Twilio's RequestValidator over the public URL, exactly as
Twilio signs them, and posted to the local Rasa server (as a proxy would forward them).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tarfile
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import parse_qs

import pytest
import requests
from twilio.request_validator import RequestValidator

from bot.channels.sms.state import SmsKeys
from bot.clock import FileClock
from bot.config import PROJECT_ROOT
from bot.db import make_engine, make_session_factory
from bot.handoff.nurses import NurseAccounts
from bot.handoff.service import HandoffService
from bot.wording import Wording
from tests.integration.stack import MODEL, MONDAY_10AM, Stack
from tests.support.waiting import wait_until

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "test-auth-token-" + "x" * 16
HELPLINE_NUMBER = "+441632960000"
PUBLIC_URL = "https://helpline.example.org/webhooks/twilio/webhook"
SMS_KEY = "integration-test-key-" + "k" * 24
MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
# Overrides the model for these tests only (e.g. one trained from a newer domain.yml into a temporary folder).
MODEL_VARIABLE = "HELPLINE_TEST_MODEL"


@dataclass
class Sent:
    to: str
    sender: str
    body: str


class TwilioStandIn:
    """Records POSTs to the Messages resource; fail_next(n) makes the next n requests answer 500."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.failed: list[Sent] = []
        self.rejected = 0
        self._failures = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, count: int) -> None:
        with self._lock:
            self._failures = count

    def to(self, phone: str) -> list[str]:
        with self._lock:
            return [s.body for s in self.sent if s.to == phone]

    def wait_for(self, phone: str, count: int, timeout: float = 30) -> list[str]:
        """The bodies sent to `phone`, once there are at least `count` of them."""
        return self.wait_until(phone, lambda bodies: len(bodies) >= count, timeout, f"{count} SMS")

    def wait_until(
        self, phone: str, done: Callable[[list[str]], bool], timeout: float = 30, what: str = "the SMS to match"
    ) -> list[str]:
        """The bodies sent to `phone`, once `done` holds for them; a time-out names what did arrive."""

        def matched() -> Optional[tuple[list[str]]]:
            bodies = self.to(phone)
            return (bodies,) if done(bodies) else None  # in a tuple: no texts at all can be a match too

        try:
            return wait_until(matched, what, timeout)[0]
        except AssertionError as error:
            raise AssertionError(f"{error}; got {self.to(phone)}") from None

    def _record(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict]:
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        length = int(handler.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode("utf-8")).items()}
        if handler.path != MESSAGES_PATH or handler.headers.get("Authorization") != expected:
            with self._lock:
                self.rejected += 1
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        sent = Sent(form.get("To", ""), form.get("From", ""), form.get("Body", ""))
        with self._lock:
            if self._failures > 0:
                self._failures -= 1
                self.failed.append(sent)
                return 500, {"code": 20500, "message": "Internal Server Error", "status": 500}
            self.sent.append(sent)
        sid = "SM" + uuid.uuid4().hex
        return 201, {
            "sid": sid,
            "account_sid": ACCOUNT_SID,
            "to": sent.to,
            "from": sent.sender,
            "body": sent.body,
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "date_created": "Mon, 23 Nov 2026 10:00:00 +0000",
            "date_updated": "Mon, 23 Nov 2026 10:00:00 +0000",
            "date_sent": None,
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                status, payload = stand_in._record(self)
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # the numbers it sees are test numbers, but keep test output quiet

        return Handler


@dataclass
class SmsStack(Stack):
    """The Stack from conftest, with the SMS channel enabled next to the REST channel."""

    api_base_url: str = ""
    model: Path = field(default_factory=lambda: Path(os.environ.get(MODEL_VARIABLE) or MODEL))
    phones: list[str] = field(default_factory=list)

    @property
    def credentials(self) -> Path:
        return self.data_dir / "credentials.yml"

    @property
    def env(self) -> dict:
        # The key and the API host come from the environment; the rest from credentials.yml.
        return dict(super().env, HELPLINE_SMS_KEY=SMS_KEY, TWILIO_API_BASE_URL=self.api_base_url)

    def write_credentials(self) -> None:
        self.credentials.write_text(
            "bot.channels.rest.HelplineRestInput:\n"
            "bot.channels.sms.TwilioSmsInput:\n"
            f'  account_sid: "{ACCOUNT_SID}"\n'
            f'  auth_token: "{AUTH_TOKEN}"\n'
            f'  twilio_number: "{HELPLINE_NUMBER}"\n'
            f'  public_url: "{PUBLIC_URL}"\n',
            encoding="utf-8",
        )

    def before_start(self) -> None:
        self.write_credentials()

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/twilio/webhook"

    def new_phone(self) -> str:
        phone = "+4477009" + str(uuid.uuid4().int)[:5]
        self.phones.append(phone)
        return phone

    def conversation_id(self, phone: str) -> str:
        return SmsKeys(SMS_KEY).conversation_id(phone)

    def params(self, phone: str, body: str) -> dict:
        return {
            "ToCountry": "GB",
            "SmsMessageSid": (sid := "SM" + uuid.uuid4().hex),
            "NumMedia": "0",
            "SmsSid": sid,
            "SmsStatus": "received",
            "Body": body,
            "To": HELPLINE_NUMBER,
            "NumSegments": "1",
            "MessageSid": sid,
            "AccountSid": ACCOUNT_SID,
            "From": phone,
            "ApiVersion": "2010-04-01",
        }

    def post(self, params: dict, signature: Optional[str] = "sign") -> requests.Response:
        """Posts a webhook request; signature "sign" means a valid one over `params`, None means no header."""
        headers = {}
        if signature == "sign":
            signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL, params)
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        return requests.post(self.webhook, data=params, headers=headers, timeout=15)

    def text(self, phone: str, body: str) -> requests.Response:
        response = self.post(self.params(phone, body))
        assert response.status_code == 200, response.text
        return response


def model_has_sms_responses(model: Path) -> bool:
    """Whether the model was trained with the `channel: twilio` answer and the SMS keyword responses."""
    with tarfile.open(model, "r:gz") as archive:
        for member in archive:
            if member.name.lstrip("/") == "metadata.json":
                handle = archive.extractfile(member)
                responses = json.load(handle)["domain"]["responses"] if handle else {}
                variants = responses.get("utter_content_answer", [])
                return "utter_sms_help" in responses and any(v.get("channel") == "twilio" for v in variants)
    return False


@pytest.fixture(scope="session")
def twilio_api():
    stand_in = TwilioStandIn()
    stand_in.start()
    yield stand_in
    stand_in.stop()


@pytest.fixture(scope="session")
def sms_stack(tmp_path_factory, twilio_api):
    stack = SmsStack(tmp_path_factory.mktemp("sms"), api_base_url=twilio_api.url)
    if not stack.model.exists():
        pytest.fail(f"{stack.model} is missing: run `make train` (make test does)")
    if not model_has_sms_responses(stack.model):
        pytest.fail(f"{stack.model} predates the SMS responses in domain.yml: run `make train`")
    stack.set_clock(MONDAY_10AM)
    subprocess.run([sys.executable, "-m", "bot.content", "import"], cwd=PROJECT_ROOT, env=stack.env, check=True)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def sms_nurse(sms_stack):
    """A nurse account and the nurse console's service, on the SMS stack's database and clock."""
    from argon2 import PasswordHasher

    sessions = make_session_factory(make_engine(sms_stack.database_url))
    clock = FileClock(sms_stack.clock_file)
    handoffs = HandoffService(sessions, clock, Wording.from_domain())
    accounts = NurseAccounts(sessions, clock, PasswordHasher(time_cost=1, memory_cost=1024))
    nurse = accounts.create(f"nurse-{uuid.uuid4().hex[:8]}", "Nurse Amy", "a long enough password")
    return handoffs, nurse
