"""The website chat widget's channel: Rasa's socket.io protocol, but a conversation is reached only by a signed token.

Rasa's stock socket.io channel trusts the session id the browser sends, so anyone who knows
or guesses an id can read and write that conversation. Here the server makes up every
conversation id and gives the browser a token signed with a key only the server holds
(a JWT, HS256). A socket is bound to the conversation its token names when it asks for a
session, and every later message from that socket goes to that conversation, whatever the
message itself says. A missing, forged, tampered or expired token starts a new, empty
conversation.

Every message passes the handoff gate. Nurse replies and notices are pushed live from the
outbox while the person is connected, and wait there while they are not. The channel also
serves the installed rasa-webchat bundle and a demo page (/webhooks/socketio/demo) from bot/channels/static,
whose script adds what the widget lacks for accessibility (WCAG 2.1 AA).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import logging
import os
import re
import secrets
import time
from collections import Counter, deque
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any, AsyncIterator, Awaitable, Callable, Deque, Dict, List, Mapping, Optional, Sequence, Union

import jwt
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.delivery import OutboxPusher
from bot.channels.gate import HandoffGate
from bot.channels.rate_limit import TOO_MANY_RESPONSE, RateLimiter
from bot.client_address import Network, from_trusted_proxy, parse_networks, socket_client
from bot.config import PROJECT_ROOT, Settings
from bot.handoff import sweeper
from bot.handoff.service import HandoffService, Outgoing
from bot.limits import CHANNEL_BODY_MAX_BYTES, TOO_LONG_RESPONSE, too_long, valid_text
from bot.rasa_runtime.outage import answering_or_asking_again
from bot.signing_keys import load_or_create_secret as _load_or_create
from bot.wording import Wording

logger = logging.getLogger(__name__)

CHANNEL = "socketio"
AUDIENCE = "helpline-webchat"
ALGORITHM = "HS256"
SECRET_BYTES = 32
DEFAULT_SESSION_HOURS = 720.0  # 30 days: a nurse's reply to a message left on Friday night waits for Monday
CONVERSATION_PREFIX = "web-"
CONVERSATION_ID = re.compile(r"web-[0-9a-f]{32}")
MAX_TOKEN_CHARS = 2048
CLEAN_CLOSE_DOUBT = 2.0  # seconds: a closing tab may drop what was sent to it just before
WIDGET_DIR = PROJECT_ROOT / "node_modules" / "rasa-webchat"
WIDGET_BUNDLE = "lib/index.js"  # the UMD build: React, ReactDOM and socket.io-client are bundled in
STATIC_DIR = Path(__file__).parent / "static"
DEMO_PAGE = STATIC_DIR / "demo.html"  # a string.Template: $title, $notice, $widget, $script, $socket_path, ...
DEMO_SCRIPT = STATIC_DIR / "demo.js"  # starts the widget, then its accessibility layer
ACCESSIBLE_SCRIPT = STATIC_DIR / "accessible.js"  # the accessibility layer, for the demo page and embedding sites
# The widget's CSS imports a font from Google; a health charity's visitors should not be announced to a third party.
GOOGLE_FONTS_IMPORT = b"@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);"
NURSE_CSS_CLASS = "helpline-nurse"
BOT_NAME = "Nurse helpline assistant"
SAFETY_NOTICE = "This assistant gives information, not a diagnosis. In an emergency call 999."
KNOWN_SETTINGS = frozenset(
    {
        "user_message_evt",
        "bot_message_evt",
        "namespace",
        "socketio_path",
        "secret_file",
        "session_hours",
        "cors_allowed_origins",
        "client_manager",
        "demo_page",
        "widget_dir",
        "ping_interval",
        "ping_timeout",
    }
)
_MARKDOWN_LINK_CHARACTERS = re.compile(r"([\\\[\]])")  # backslash, and brackets: [text](url), ![image](url)


def load_or_create_secret(path: Path) -> bytes:
    """The web chat's signing key (see bot.signing_keys)."""
    return _load_or_create(path, "web chat signing")


def default_secret_file(env: Optional[Mapping[str, str]] = None) -> Path:
    env = os.environ if env is None else env
    configured = env.get("HELPLINE_WEBCHAT_SECRET_FILE")
    if configured:
        return Path(configured)
    return Settings.from_env(env).data_dir / "webchat_secret"


class ConversationTokens:
    """Issues conversation ids and the signed tokens that are the only way back into them."""

    def __init__(self, secret: bytes, session_hours: float = DEFAULT_SESSION_HOURS):
        if len(secret) < SECRET_BYTES:
            raise ValueError(f"the web chat secret must be at least {SECRET_BYTES} bytes")
        if session_hours <= 0:
            raise ValueError("session_hours must be positive")
        self._secret = secret
        self._lifetime = dt.timedelta(hours=session_hours)

    def new_conversation(self) -> tuple[str, str]:
        """A fresh random conversation id (128 bits) and its token."""
        conversation_id = CONVERSATION_PREFIX + secrets.token_hex(16)
        return conversation_id, self.issue(conversation_id)

    def issue(self, conversation_id: str, now: Optional[float] = None) -> str:
        issued = int(time.time() if now is None else now)
        payload = {
            "sub": conversation_id,
            "aud": AUDIENCE,
            "iat": issued,
            "exp": issued + int(self._lifetime.total_seconds()),
        }
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM)

    def verify(self, token: Any) -> Optional[str]:
        """The conversation id the token was issued for, or None for anything the server did not sign or that expired.

        Real time is used, so a test clock cannot stretch a session.
        """
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            return None
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                options={"require": ["sub", "aud", "iat", "exp"]},
            )
        except jwt.PyJWTError:
            return None
        conversation_id = claims.get("sub")
        if not isinstance(conversation_id, str) or not CONVERSATION_ID.fullmatch(conversation_id):
            return None
        return conversation_id


class ConversationLocks:
    """One lock per conversation, so the pusher and the person's own message never deliver an outbox row twice."""

    def __init__(self) -> None:
        self._locks: Dict[str, asyncio.Lock] = {}
        self._holders: Counter = Counter()

    def busy(self, key: str) -> bool:
        return key in self._locks

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] += 1
        try:
            async with lock:
                yield
        finally:
            self._holders[key] -= 1
            if not self._holders[key]:
                del self._holders[key]
                del self._locks[key]


def markdown_literal(text: str) -> str:
    """No link in an outbox message: the widget renders markdown and lets any link scheme through, javascript: too.

    Nurse text and display names are plain text: every character that can start a link or an
    autolink is escaped, so "[x](javascript:…)" and "<javascript://…>" are shown as written.
    The widget's markdown (remark-parse 5, GFM) has no backslash escape for "<", so it is written
    as the entity "&lt;" (and "&" as "&amp;"), which the widget shows as the character itself.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return _MARKDOWN_LINK_CHARACTERS.sub(r"\\\1", text)


def outbox_message(
    author: str, text: str, sender_name: Optional[str], wording: Wording, buttons: Sequence[Dict[str, Any]] = ()
) -> Dict[str, Any]:
    """A nurse reply or system notice as the widget's bot message; a nurse's words are marked as the nurse's.

    A notice's buttons (e.g. "Leave the queue") become the widget's quick replies.
    """
    if author == "nurse":
        marked = wording.text(
            "utter_message_from_nurse", nurse=markdown_literal(sender_name or "Nurse"), text=markdown_literal(text)
        )
        return {"text": marked, "metadata": {"customCss": {"style": "class", "css": NURSE_CSS_CLASS}}}
    message: Dict[str, Any] = {"text": markdown_literal(text)}
    if buttons:
        message["quick_replies"] = [
            {"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons
        ]
    return message


class SameOriginOr:
    """engine.io origin check: the server's own origin (the demo page) and the configured websites.

    The server's own origin comes from Host; X-Forwarded-Host and -Proto only from a trusted proxy.
    """

    def __init__(self, origins: List[str], proxies: Sequence[Network] = ()):
        self._origins = frozenset(origin.rstrip("/") for origin in origins)
        self._proxies = tuple(proxies)

    def __call__(self, origin: Optional[str], environ: Mapping[str, Any]) -> bool:
        if origin is None:
            return True
        if origin in self._origins:
            return True
        proxied = from_trusted_proxy(environ, self._proxies)
        host = str((proxied and environ.get("HTTP_X_FORWARDED_HOST")) or environ.get("HTTP_HOST") or "")
        forwarded_scheme = environ.get("HTTP_X_FORWARDED_PROTO") if proxied else None
        scheme = str(forwarded_scheme or environ.get("wsgi.url_scheme") or "http")
        return bool(host) and origin == f"{scheme.split(',')[0].strip()}://{host.split(',')[0].strip()}"


def cors_setting(value: Any, proxies: Sequence[Network] = ()) -> Union[str, Callable[..., bool]]:
    """`cors_allowed_origins`: "*" (any website), or a list of website origins; the server's own is always allowed."""
    if value == "*":
        return "*"
    if value is None:
        return SameOriginOr([], proxies)
    if isinstance(value, str):
        return SameOriginOr([value], proxies)
    if isinstance(value, list) and all(isinstance(origin, str) for origin in value):
        return SameOriginOr(value, proxies)
    raise ValueError('cors_allowed_origins must be "*", an origin or a list of origins')


def make_client_manager(spec: Optional[str]) -> Any:
    """Where socket.io keeps rooms: this process (default), or Redis so several replicas share them."""
    if spec is None or spec == "memory":
        return None
    if spec.startswith(("redis://", "rediss://", "redis+sentinel://")):
        from socketio import AsyncRedisManager

        return AsyncRedisManager(spec, channel="helpline-webchat")
    raise ValueError('client_manager must be "memory" or a redis:// URL')


@dataclass
class WebchatConfig:
    user_message_evt: str = "user_uttered"
    bot_message_evt: str = "bot_uttered"
    namespace: str = "/"
    socketio_path: str = "/socket.io"
    secret_file: Optional[Path] = None
    session_hours: float = DEFAULT_SESSION_HOURS
    cors_allowed_origins: Any = None
    client_manager: Optional[str] = None
    demo_page: bool = True
    widget_dir: Path = field(default_factory=lambda: WIDGET_DIR)
    ping_interval: float = 15.0
    ping_timeout: float = 10.0

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> WebchatConfig:
        credentials = dict(credentials or {})
        unknown = sorted(set(credentials) - KNOWN_SETTINGS)
        if unknown:
            logger.warning("web chat: ignoring unknown settings %s", ", ".join(unknown))
        config = cls()
        for name in ("user_message_evt", "bot_message_evt", "namespace", "socketio_path", "client_manager"):
            if credentials.get(name) is not None:
                setattr(config, name, str(credentials[name]))
        if credentials.get("secret_file"):
            config.secret_file = Path(credentials["secret_file"])
        for name in ("session_hours", "ping_interval", "ping_timeout"):
            if credentials.get(name) is not None:
                setattr(config, name, float(credentials[name]))
        if credentials.get("widget_dir"):
            config.widget_dir = Path(credentials["widget_dir"])
        if "demo_page" in credentials:
            config.demo_page = bool(credentials["demo_page"])
        config.cors_allowed_origins = credentials.get("cors_allowed_origins")
        cors_setting(config.cors_allowed_origins)
        return config


class RecentlySent:
    """What was emitted to each conversation lately: a socket can die silently with messages in flight.

    rasa-webchat does not acknowledge messages, so when a socket goes without a clean close
    (a phone loses signal: the server notices only at the ping timeout), whatever was emitted
    to it in that time is re-sent when the person comes back to this server.
    """

    def __init__(self, keep: float, clock: Callable[[], float] = time.monotonic, lost_for: float = 86400.0):
        self._keep = keep
        self._clock = clock
        self._lost_for = lost_for
        self._sent: Dict[str, Deque[tuple[float, Dict[str, Any]]]] = {}
        self._lost: Dict[str, tuple[float, List[Dict[str, Any]]]] = {}

    def record(self, conversation_id: str, message: Dict[str, Any]) -> None:
        now = self._clock()
        sent = self._sent.setdefault(conversation_id, deque())
        sent.append((now, message))
        while sent and sent[0][0] < now - self._keep:
            sent.popleft()

    def gone(self, conversation_id: str, in_doubt: float) -> None:
        """Nobody is connected any more: what was emitted in the last `in_doubt` seconds may not have arrived."""
        now = self._clock()
        sent = self._sent.pop(conversation_id, deque())
        doubtful = [message for at, message in sent if at >= now - in_doubt]
        if doubtful:
            earlier = self._lost.get(conversation_id, (now, []))[1]
            self._lost[conversation_id] = (now, earlier + doubtful)
        for quiet in [c for c, sent in self._sent.items() if not sent or sent[-1][0] < now - self._keep]:
            del self._sent[quiet]  # e.g. sent to nobody through Rasa's HTTP API
        for stale in [c for c, (at, _) in self._lost.items() if at < now - self._lost_for]:
            del self._lost[stale]

    def take_lost(self, conversation_id: str) -> List[Dict[str, Any]]:
        return self._lost.pop(conversation_id, (0.0, []))[1]


class WebchatOutput(SocketIOOutput):
    """Rasa's socket.io output (buttons become the widget's quick replies), sent to the conversation's room."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self, sio: AsyncServer, bot_message_evt: str, namespace: str, sent: RecentlySent):
        super().__init__(sio, bot_message_evt)
        self._namespace = namespace
        self._recently = sent

    async def _send_message(self, socket_id: str, response: Any) -> None:
        await self.sio.emit(self.bot_message_evt, response, room=socket_id, namespace=self._namespace)
        self._recently.record(socket_id, response)


class WebchatBlueprint(SocketBlueprint):
    """Rasa's socket.io blueprint, and engine.io alone answers CORS for the socket (its origin check is ours).

    `rasa run --cors ...` adds Sanic-CORS headers to every route; on the socket's long-polling
    responses they would come twice, and browsers then refuse them: the widget could not
    connect from the charity's website.
    """

    def register(self, app: Any, options: Dict[str, Any]) -> None:
        super().register(app, options)
        try:
            from sanic_cors.core import SANIC_CORS_EVALUATED
        except ImportError:
            return
        socket_path = "/" + self.ctx.socketio_path.strip("/")

        async def engineio_answers_cors(request: Request) -> None:
            if request.path.rstrip("/") == socket_path:
                setattr(request.ctx, SANIC_CORS_EVALUATED, "1")

        app.register_middleware(engineio_answers_cors, "request")


class _Notices(CollectingOutputChannel):
    """Catches what the gate sends, with its author, so a nurse's words can be marked before they are emitted."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL


def _default_service() -> HandoffService:
    from bot.handoff.factory import get_handoffs

    return get_handoffs().service


class SecureSocketIOInput(InputChannel):
    """The `socketio` channel for rasa-webchat; see the module docstring for how conversations are protected."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        return cls(WebchatConfig.from_credentials(credentials))

    def __init__(
        self,
        config: Optional[WebchatConfig] = None,
        *,
        service_provider: Optional[Callable[[], HandoffService]] = None,
        tokens: Optional[ConversationTokens] = None,
        wording: Optional[Wording] = None,
        push_interval: float = 0.25,
        limits: Optional[RateLimiter] = None,
        trusted_proxies: Optional[Sequence[Network]] = None,
    ):
        self.config = config or WebchatConfig()
        self._limits = limits
        self._proxies = trusted_proxies
        self._service_provider = service_provider or _default_service
        self._tokens = tokens
        self._wording = wording
        self._gate = HandoffGate(self._service_provider, wording)
        self._locks = ConversationLocks()
        self._push_interval = push_interval
        self._pusher: Optional[OutboxPusher] = None
        self._widget: Optional[tuple[bytes, str]] = None
        self.recently = RecentlySent(keep=self.silent_death_window, lost_for=self.config.session_hours * 3600)
        self.sio: Optional[AsyncServer] = None

    @property
    def silent_death_window(self) -> float:
        """How long a dead connection can look alive: a ping's interval and timeout, and a margin."""
        return self.config.ping_interval + self.config.ping_timeout + 5

    def tokens(self) -> ConversationTokens:
        """Loads (or creates) the signing key on first use, never at import."""
        if self._tokens is None:
            secret = load_or_create_secret(self.config.secret_file or default_secret_file())
            self._tokens = ConversationTokens(secret, self.config.session_hours)
        return self._tokens

    @property
    def wording(self) -> Wording:
        if self._wording is None:
            self._wording = Wording.from_domain()
        return self._wording

    def limits(self) -> RateLimiter:
        if self._limits is None:
            self._limits = RateLimiter.from_env()
        return self._limits

    def proxies(self) -> Sequence[Network]:
        """HELPLINE_TRUSTED_PROXIES: whose X-Forwarded-* headers are believed (bot/client_address.py)."""
        if self._proxies is None:
            self._proxies = parse_networks(Settings.from_env().trusted_proxies)
        return self._proxies

    def get_output_channel(self) -> Optional[OutputChannel]:
        """For messages Rasa sends unasked (e.g. the HTTP API's trigger_intent): to the conversation's room."""
        if self.sio is None:
            return None
        return self._output()

    def _output(self) -> WebchatOutput:
        assert self.sio is not None
        return WebchatOutput(self.sio, self.config.bot_message_evt, self.config.namespace, self.recently)

    # ----- who is connected -----

    def participants(self, conversation_id: str) -> List[str]:
        """The sockets of this process in the conversation's room (each replica pushes to its own sockets)."""
        assert self.sio is not None
        return [sid for sid, _ in self.sio.manager.get_participants(self.config.namespace, conversation_id)]

    async def conversation_of(self, sid: str) -> Optional[str]:
        assert self.sio is not None
        session = await self.sio.get_session(sid, namespace=self.config.namespace)
        return session.get("conversation_id")

    # ----- the outbox -----

    async def _emit(self, conversation_id: str, message: Dict[str, Any]) -> None:
        assert self.sio is not None
        await self.sio.emit(self.config.bot_message_evt, message, room=conversation_id, namespace=self.config.namespace)
        self.recently.record(conversation_id, message)

    async def _flush(self, notices: _Notices, conversation_id: str) -> None:
        messages, notices.messages = notices.messages, []
        for message in messages:
            outgoing = outbox_message(
                message["author"], message["text"], message.get("sender_name"), self.wording, message.get("buttons", ())
            )
            await self._emit(conversation_id, outgoing)

    async def push(self, message: Outgoing) -> bool:
        """The pusher's send: emits when the person is connected here; False leaves the message waiting."""
        conversation_id = message.conversation_id
        if self._locks.busy(conversation_id) or not self.participants(conversation_id):
            return False  # a message of theirs is being handled (the gate delivers first), or nobody is here
        async with self._locks.hold(conversation_id):
            service = self._service_provider()
            waiting = await asyncio.to_thread(service.pending_for, conversation_id)
            if message.id not in {m.id for m in waiting}:
                return True  # delivered meanwhile, by the gate
            await self._emit(
                conversation_id,
                outbox_message(message.author, message.text, message.sender_name, self.wording, message.buttons),
            )
            await asyncio.to_thread(service.mark_delivered, [message.id])
            return True

    async def deliver_pending(self, conversation_id: str) -> None:
        """On coming back: first what may have been lost in a dead connection, then what waited in the outbox."""
        async with self._locks.hold(conversation_id):
            for message in self.recently.take_lost(conversation_id):
                await self._emit(conversation_id, message)
            notices = _Notices()
            await self._gate.deliver_pending(notices, conversation_id)
            await self._flush(notices, conversation_id)

    # ----- socket events -----

    async def on_session_request(self, sid: str, data: Any) -> str:
        """Binds the socket to the conversation its token proves, or to a new one; returns the token to confirm."""
        assert self.sio is not None
        presented = data.get("session_id") if isinstance(data, dict) else None
        verified = self.tokens().verify(presented)
        if verified is not None and isinstance(presented, str):
            conversation_id, token, resumed = verified, presented, True
        else:
            if presented:
                logger.info("web chat: a session token did not verify; starting a new conversation")
            conversation_id, token = self.tokens().new_conversation()
            resumed = False
        namespace = self.config.namespace
        previous = await self.conversation_of(sid)
        if previous and previous != conversation_id:
            await self.sio.leave_room(sid, previous, namespace=namespace)
        await self.sio.save_session(sid, {"conversation_id": conversation_id}, namespace=namespace)
        await self.sio.enter_room(sid, conversation_id, namespace=namespace)
        await self.sio.emit("session_confirm", token, room=sid, namespace=namespace)
        if resumed:
            await asyncio.to_thread(self._gate.journey().presence.back, conversation_id)  # handoff parts: bot/handoff
            await self.deliver_pending(conversation_id)
        return token

    async def on_disconnect(self, sid: str, reason: Optional[str] = None) -> None:
        """When the conversation's last socket goes, keeps what may not have reached it for when they come back."""
        conversation_id = await self.conversation_of(sid)
        if conversation_id is None or [other for other in self.participants(conversation_id) if other != sid]:
            return
        silent = reason in (AsyncServer.reason.PING_TIMEOUT, AsyncServer.reason.TRANSPORT_ERROR)
        self.recently.gone(conversation_id, self.silent_death_window if silent else CLEAN_CLOSE_DOUBT)
        await asyncio.to_thread(self._gate.journey().presence.away, conversation_id)  # the nurse sees them as away

    async def on_user_message(
        self, sid: str, data: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        """Passes the person's message through the gate, as the conversation the socket was confirmed for."""
        conversation_id = await self.conversation_of(sid)
        if conversation_id is None:
            logger.warning("web chat: a message arrived before session_request; ignored")
            return
        text = data.get("message") if isinstance(data, dict) else None
        if not isinstance(text, str):
            return
        if too_long(text):  # at the edge: before the gate, the NLU or any store (bot/limits.py)
            await self._emit(conversation_id, {"text": self.wording.text(TOO_LONG_RESPONSE)})
            return
        text = valid_text(text)
        environ = self.sio.get_environ(sid, namespace=self.config.namespace) if self.sio is not None else None
        wait = self.limits().admit(socket_client(environ or {}, self.proxies()), conversation_id)
        if wait is not None:  # bot/channels/rate_limit.py
            await self._emit(conversation_id, {"text": self.wording.text(TOO_MANY_RESPONSE)})
            return
        output = self._output()
        notices = _Notices()

        async def to_rasa(message: UserMessage) -> None:
            await self._flush(notices, conversation_id)  # what the gate delivered first, before the answer
            message.output_channel = output
            await on_new_message(message)

        async with self._locks.hold(conversation_id):
            message = UserMessage(text, notices, conversation_id, input_channel=self.name())

            async def ask_again() -> None:
                await self._flush(notices, conversation_id)
                await self._emit(conversation_id, {"text": self.wording.text("utter_try_again_later")})

            gate = self._gate
            if await answering_or_asking_again(lambda: gate.handle(message, to_rasa), ask_again, "web chat"):
                await self._flush(notices, conversation_id)

    # ----- the widget and the demo page -----

    def widget_bundle(self) -> Optional[tuple[bytes, str]]:
        """The installed widget's UMD bundle (read once), without its call to Google Fonts, and its ETag."""
        if self._widget is None:
            path = self.config.widget_dir / WIDGET_BUNDLE
            try:
                bundle = path.read_bytes()
            except OSError:
                return None
            if GOOGLE_FONTS_IMPORT not in bundle:
                logger.warning("web chat: %s no longer imports Google Fonts as expected; check what it loads", path)
            bundle = bundle.replace(GOOGLE_FONTS_IMPORT, b"")
            self._widget = (bundle, '"' + hashlib.sha256(bundle).hexdigest()[:32] + '"')
        return self._widget

    def _add_pages(self, blueprint: Blueprint) -> None:
        @blueprint.route("/widget.js", methods=["GET"], name="widget")
        async def widget(request: Request) -> HTTPResponse:
            bundle = self.widget_bundle()
            if bundle is None:
                return response.text("The chat widget is not installed: run scripts/install-widget.sh", status=503)
            body, etag = bundle
            headers = {"ETag": etag, "Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}
            if request.headers.get("if-none-match") == etag:
                return response.empty(status=304, headers=headers)
            return response.raw(body, content_type="application/javascript; charset=utf-8", headers=headers)

        @blueprint.route("/accessible.js", methods=["GET"], name="accessible_script")
        async def accessible_script(_: Request) -> HTTPResponse:
            return response.raw(
                _static(ACCESSIBLE_SCRIPT).encode(),
                content_type="application/javascript; charset=utf-8",
                headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
            )

        if not self.config.demo_page:
            return

        @blueprint.route("/demo.js", methods=["GET"], name="demo_script")
        async def demo_script(_: Request) -> HTTPResponse:
            return response.raw(
                _static(DEMO_SCRIPT).encode(),
                content_type="application/javascript; charset=utf-8",
                headers=_PAGE_HEADERS,
            )

        @blueprint.route("/demo", methods=["GET"], name="demo")
        async def demo(request: Request) -> HTTPResponse:
            prefix = request.path.rstrip("/")[: -len("/demo")]
            page = Template(_static(DEMO_PAGE)).substitute(
                widget=_attribute(f"{prefix}/widget.js"),
                accessible=_attribute(f"{prefix}/accessible.js"),
                script=_attribute(f"{prefix}/demo.js"),
                socket_path=_attribute(self.config.socketio_path.rstrip("/") + "/"),
                title=_attribute(BOT_NAME),
                notice=_attribute(SAFETY_NOTICE),
                nurse_class=NURSE_CSS_CLASS,
            )
            return response.html(page, headers=_PAGE_HEADERS)

    # ----- wiring -----

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        config = self.config
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=cors_setting(config.cors_allowed_origins, self.proxies()),
            client_manager=make_client_manager(config.client_manager),
            ping_interval=config.ping_interval,
            ping_timeout=config.ping_timeout,
            max_http_buffer_size=CHANNEL_BODY_MAX_BYTES,  # engine.io's default is 1 MB
        )
        self.sio = sio
        blueprint = WebchatBlueprint(sio, config.socketio_path, "socketio_webhook", __name__)
        sweeper.attach(blueprint, self._gate.journey)  # closing time, abandoned chats, stuck claims, queue moves

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        self._add_pages(blueprint)

        @sio.on("disconnect", namespace=config.namespace)
        async def disconnect(sid: str, reason: Optional[str] = None) -> None:
            await self.on_disconnect(sid, reason)

        @sio.on("session_request", namespace=config.namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            await self.on_session_request(sid, data)

        @sio.on(config.user_message_evt, namespace=config.namespace)
        async def user_message(sid: str, data: Any = None) -> None:
            await self.on_user_message(sid, data, on_new_message)

        @blueprint.listener("after_server_start")
        async def start_pushing(app: Any, loop: Any) -> None:
            self.tokens()  # a bad key file stops the server now, not at the first visitor
            if config.demo_page and self.widget_bundle() is None:
                logger.warning("web chat: %s is missing: run scripts/install-widget.sh", config.widget_dir)
            self._pusher = OutboxPusher(self._service_provider, CHANNEL, self.push, interval=self._push_interval)
            self._pusher.start()

        @blueprint.listener("before_server_stop")
        async def stop_pushing(app: Any, loop: Any) -> None:
            if self._pusher is not None:
                await self._pusher.stop()

        return blueprint


@functools.cache
def _static(path: Path) -> str:
    """A file of the demo page (bot/channels/static), read once."""
    return path.read_text(encoding="utf-8")


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
