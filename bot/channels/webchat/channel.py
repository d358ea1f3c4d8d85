"""The web chat as Rasa's input channel: the socket's events, each message through the gate, the outbox pushed live."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.common import Channel, ConversationLocks, default_handoff_service
from bot.channels.gate import HandoffGate
from bot.channels.rate_limit import TOO_MANY_RESPONSE, RateLimiter
from bot.channels.webchat.config import WebchatConfig, make_client_manager
from bot.channels.webchat.feedback import FeedbackEndpoint
from bot.channels.webchat.live import TYPING_EVENT, LiveState
from bot.channels.webchat.messages import outbox_message
from bot.channels.webchat.origins import WebchatBlueprint, cors_setting
from bot.channels.webchat.output import SEEN, Notices, RecentlySent, WebchatOutput
from bot.channels.webchat.pages import Pages
from bot.channels.webchat.tokens import ConversationTokens, default_secret_file, load_or_create_secret
from bot.client_address import Network, client_address, parse_networks, socket_client
from bot.config import Settings
from bot.feedback.store import FeedbackStore
from bot.handoff import sweeper
from bot.handoff.service import HandoffService
from bot.limits import CHANNEL_BODY_MAX_BYTES, TOO_LONG_RESPONSE, too_long, valid_text
from bot.outbox.pusher import OutboxPusher
from bot.outbox.store import Outgoing
from bot.rasa_runtime.outage import answering_or_asking_again
from bot.wording import Wording

logger = logging.getLogger(__name__)

# seconds: a closing tab may drop what was sent to it just before; used only when the widget does not say
# what it has (output.py's RecentlySent)
CLEAN_CLOSE_DOUBT = 2.0


class SecureSocketIOInput(InputChannel):
    """The `socketio` channel for rasa-webchat; see the module docstring for how conversations are protected."""

    @classmethod
    def name(cls) -> str:
        return Channel.WEBCHAT.value

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
        feedback_store: Optional[Callable[[], FeedbackStore]] = None,
    ):
        self.config = config or WebchatConfig()
        self._limits = limits
        self._proxies = trusted_proxies
        self._service_provider = service_provider or default_handoff_service
        self._tokens = tokens
        self._wording = wording
        self._gate = HandoffGate(self._service_provider, wording)
        self._locks = ConversationLocks()
        self._push_interval = push_interval
        self._pusher: Optional[OutboxPusher] = None
        self._pages = Pages(self.config)
        self._feedback_store = feedback_store or _default_feedback_store
        self.recently = RecentlySent(keep=self.silent_death_window, lost_for=self.config.session_hours * 3600)
        self.sio: Optional[AsyncServer] = None
        self.live = LiveState(self._service_provider, lambda: self.wording, self._emit_event, self.participants)

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
            from bot.bootstrap import root

            self._wording = root().wording
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

    def admit_request(self, request: Request, conversation_id: str) -> Optional[int]:
        """The rate limit for an HTTP request of the widget's (feedback), as for its messages."""
        client = client_address(request.ip, request.headers.get("x-forwarded-for"), self.proxies())
        return self.limits().admit(client, conversation_id)

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

    async def _emit_event(self, event: str, conversation_id: str, data: Dict[str, Any]) -> None:
        """The widget's state around the conversation (live.py): not a message, so not kept to send again."""
        assert self.sio is not None
        await self.sio.emit(event, data, room=conversation_id, namespace=self.config.namespace)

    async def _emit(self, conversation_id: str, message: Dict[str, Any]) -> None:
        assert self.sio is not None
        stamped = self.recently.stamp(conversation_id, message)
        await self.sio.emit(self.config.bot_message_evt, stamped, room=conversation_id, namespace=self.config.namespace)

    async def _flush(self, notices: Notices, conversation_id: str) -> None:
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

    async def deliver_pending(self, conversation_id: str, seen: Any = None) -> None:
        """On coming back: first what the last connection may have lost (after `seen`, output.py), then the outbox."""
        async with self._locks.hold(conversation_id):
            for message in self.recently.take_lost(conversation_id, seen):
                await self._emit(conversation_id, message)
            notices = Notices()
            await self._gate.deliver_pending(notices, conversation_id)
            await self._flush(notices, conversation_id)

    # ----- socket events -----

    async def on_session_request(self, sid: str, data: Any) -> str:
        """Binds the socket to the conversation its token proves, or to a new one; returns the token to confirm."""
        assert self.sio is not None
        presented = data.get("session_id") if isinstance(data, dict) else None
        seen = data.get(SEEN) if isinstance(data, dict) else None
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
        await self.live.send_state(conversation_id)  # the help bar, and the nurse if one is in the chat (live.py)
        await self.sio.emit("session_confirm", token, room=sid, namespace=namespace)
        if resumed:
            await asyncio.to_thread(self._gate.journey().presence.back, conversation_id)  # handoff parts: bot/handoff
            await self.deliver_pending(conversation_id, seen)
        return token

    async def on_disconnect(self, sid: str, reason: Optional[str] = None) -> None:
        """When the conversation's last socket goes, keeps what may not have reached it for when they come back."""
        conversation_id = await self.conversation_of(sid)
        if conversation_id is None or [other for other in self.participants(conversation_id) if other != sid]:
            return
        self.live.forget(conversation_id)
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
        notices = Notices()

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

        self._pages.add_to(blueprint)
        FeedbackEndpoint(self.tokens, self._feedback_store, self.admit_request).add_to(blueprint)

        @sio.on("disconnect", namespace=config.namespace)
        async def disconnect(sid: str, reason: Optional[str] = None) -> None:
            await self.on_disconnect(sid, reason)

        @sio.on("session_request", namespace=config.namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            await self.on_session_request(sid, data)

        @sio.on(TYPING_EVENT, namespace=config.namespace)
        async def person_typing(sid: str, data: Any = None) -> None:
            conversation_id = await self.conversation_of(sid)
            if conversation_id is not None:
                await self.live.person_typing(conversation_id)

        @sio.on(config.user_message_evt, namespace=config.namespace)
        async def user_message(sid: str, data: Any = None) -> None:
            await self.on_user_message(sid, data, on_new_message)

        @blueprint.listener("after_server_start")
        async def start_pushing(app: Any, loop: Any) -> None:
            self.tokens()  # a bad key file stops the server now, not at the first visitor
            if config.demo_page and self._pages.widget_bundle() is None:
                logger.warning("web chat: %s is missing: run scripts/install-widget.sh", config.widget_dir)
            self._pusher = OutboxPusher(
                self._service_provider, Channel.WEBCHAT, self.push, interval=self._push_interval
            )
            self._pusher.start()
            self.live.start()

        @blueprint.listener("before_server_stop")
        async def stop_pushing(app: Any, loop: Any) -> None:
            if self._pusher is not None:
                await self._pusher.stop()
            await self.live.stop()

        return blueprint


def _default_feedback_store() -> FeedbackStore:
    from bot.feedback.factory import get_feedback_store

    return get_feedback_store()
