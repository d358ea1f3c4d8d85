"""Rasa's REST channel with the handoff gate: nurse replies come back in the response."""

from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable, Dict, Optional, Sequence

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import QueueOutputChannel, RestInput
from rasa.core.lock_store import LockStore
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import rest_body
from bot.channels.common import SMS_PREFIX, WEB_PREFIX, Channel, default_handoff_service
from bot.channels.gate import HandoffGate
from bot.channels.rate_limit import TOO_MANY_RESPONSE, RateLimiter
from bot.client_address import Network, client_address, parse_networks
from bot.config import Settings
from bot.handoff import sweeper
from bot.handoff.journey import Journey
from bot.limits import SERVER_BODY_MAX_BYTES, TOO_LONG_RESPONSE, too_long
from bot.rasa_runtime.locks import holding_turn
from bot.rasa_runtime.outage import answering_or_asking_again, is_outage
from bot.wording import Wording

logger = logging.getLogger(__name__)

# Where the load balancer writes when a request reached it (nginx: `t=${msec}`); the metadata
# key that carries it, or the replica's own time of receipt, to the conversation's lock.
ARRIVAL_HEADER = "X-Request-Start"
ARRIVED_AT = "arrived_at"
# A stamp further off than this is not believed (a client's own header, or a skewed clock).
ARRIVAL_TRUST_SECONDS = 30.0

# Conversations that belong to another channel: the REST channel takes any sender id,
# so without this anyone who learnt such an id could read that person's nurse replies.
OTHER_CHANNELS = (WEB_PREFIX, SMS_PREFIX)


def arrival_time(header: Optional[str], now: float) -> float:
    """When the request reached the load balancer, from its X-Request-Start header; `now` if absent or implausible.

    Accepts seconds (nginx's `$msec`), milliseconds or microseconds, with or without `t=`.
    """
    try:
        stamp = float((header or "").strip().removeprefix("t="))
    except ValueError:
        return now
    for scale in (1.0, 1e3, 1e6):
        if abs(stamp / scale - now) <= ARRIVAL_TRUST_SECONDS:
            return stamp / scale
    return now


def _default_gate() -> HandoffGate:
    return HandoffGate(default_handoff_service)


class HelplineRestInput(RestInput):
    """Same URL and JSON as stock Rasa (/webhooks/rest/webhook); messages pass the gate first.

    When the database cannot be reached, the answer is a clear "please try again" rather than
    Rasa's empty list, or a reply from an empty conversation that nobody stores.

    Each message takes its conversation's ticket from Rasa's lock store as it arrives (see
    bot/rasa_runtime/locks.py), so a burst spread over several replicas is handled in the order it was sent.
    """

    def __init__(
        self,
        gate: Optional[HandoffGate] = None,
        wording: Optional[Wording] = None,
        lock_store: Optional[LockStore] = None,
        limits: Optional[RateLimiter] = None,
        trusted_proxies: Optional[Sequence[Network]] = None,
    ):
        self._gate = gate
        self._wording = wording
        self._lock_store = lock_store
        self._limits = limits
        self._proxies = trusted_proxies
        self._app: Optional[Sanic] = None

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> HelplineRestInput:
        return cls()

    def _text(self, name: str) -> str:
        if self._wording is None:
            from bot.bootstrap import root

            self._wording = root().wording
        return self._wording.text(name)

    def _journey(self) -> Journey:
        """The handoff sweep's view of this channel's handoff service (bot/handoff/sweeper.py)."""
        if self._gate is None:
            self._gate = _default_gate()
        return self._gate.journey()

    def _try_again(self) -> str:
        return self._text("utter_try_again_later")

    # The body was checked by the blueprint's middleware (`refuse_bad_body`) before Rasa's handler runs.
    async def _extract_sender(self, req: Request) -> Optional[str]:
        return req.ctx.rest_body.sender

    def _extract_message(self, req: Request) -> Optional[str]:
        return req.ctx.rest_body.message

    def _extract_input_channel(self, req: Request) -> str:
        """Always "rest": a client-chosen channel would label the console and route replies to the SMS sender."""
        return self.name()

    def refuse_bad_body(self, request: Request) -> Optional[HTTPResponse]:
        """400 for a body of the wrong shape or encoding, 413 (with the domain's reply) for an over-long message."""
        try:
            body = rest_body.parse(request.body)
        except rest_body.BadBody as error:
            return response.json({"error": error.message}, status=error.status)
        if too_long(body.message):
            return response.json([{"recipient_id": body.sender, "text": self._text(TOO_LONG_RESPONSE)}], status=413)
        wait = self._rate_limits().admit(self._client(request), body.sender)
        if wait is not None:
            reply = [{"recipient_id": body.sender, "text": self._text(TOO_MANY_RESPONSE)}]
            return response.json(reply, status=429, headers={"Retry-After": str(wait)})
        request.ctx.rest_body = body
        return None

    def _rate_limits(self) -> RateLimiter:
        if self._limits is None:
            self._limits = RateLimiter.from_env()
        return self._limits

    def _client(self, request: Request) -> str:
        """The client's address; X-Forwarded-For only from HELPLINE_TRUSTED_PROXIES (bot/client_address.py)."""
        if self._proxies is None:
            self._proxies = parse_networks(Settings.from_env().trusted_proxies)
        return client_address(request.ip, request.headers.get("x-forwarded-for"), self._proxies)

    @staticmethod
    async def on_message_wrapper(
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        queue: Any,
        sender_id: str,
        input_channel: str,
        metadata: Optional[Dict[str, Any]],
    ) -> None:
        """Rasa's `?stream=true` handler, but the stream always ends, and a failure is logged without the text."""
        collector = QueueOutputChannel(queue)
        message = UserMessage(text, collector, sender_id, input_channel=input_channel, metadata=metadata)
        try:
            await on_new_message(message)
        except Exception as error:  # as Rasa's non-streaming handler: the person gets what was said so far
            logger.error("rest: handling a streamed message failed: %s", type(error).__name__)
        finally:
            await queue.put("DONE")

    def get_metadata(self, request: Request) -> Dict[str, Any]:
        """When the message arrived, so that the conversation's lock can queue it in arrival order."""
        return {ARRIVED_AT: arrival_time(request.headers.get(ARRIVAL_HEADER), time.time())}

    def _conversation_locks(self) -> Optional[LockStore]:
        """Rasa's own lock store, read per message: the agent is loaded after start-up, and again on a model reload."""
        if self._lock_store is not None:
            return self._lock_store
        agent = getattr(self._app.ctx, "agent", None) if self._app is not None else None
        return getattr(agent, "lock_store", None)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def gated(message: UserMessage) -> None:
            if message.sender_id.startswith(OTHER_CHANNELS):
                return
            if self._gate is None:
                self._gate = _default_gate()
            output = message.output_channel
            collected = output.messages if isinstance(output, CollectingOutputChannel) else None

            async def to_rasa(message: UserMessage) -> None:
                answered = len(collected) if isinstance(collected, list) else 0
                try:
                    await on_new_message(message)
                except BaseException as error:
                    if is_outage(error) and isinstance(collected, list):
                        del collected[answered:]  # replies to a turn that was not stored
                    raise

            gate = self._gate

            async def in_turn() -> None:
                arrived = (message.metadata or {}).get(ARRIVED_AT)
                async with holding_turn(self._conversation_locks(), message.sender_id, arrived):
                    await gate.handle(message, to_rasa)

            await answering_or_asking_again(
                in_turn, lambda: output.send_text_message(message.sender_id, self._try_again()), Channel.REST
            )

        blueprint = super().blueprint(gated)
        sweeper.attach(blueprint, self._journey)  # closing time, abandoned chats, stuck claims, queue moves

        @blueprint.middleware("request")
        async def check_body(request: Request) -> Optional[HTTPResponse]:
            if request.method == "POST" and request.path.rstrip("/").endswith("/webhook"):
                return self.refuse_bad_body(request)
            return None

        @blueprint.listener("before_server_start")
        async def remember_app(app: Sanic, _: Any) -> None:
            self._app = app
            app.config.REQUEST_MAX_SIZE = min(app.config.REQUEST_MAX_SIZE, SERVER_BODY_MAX_BYTES)
            if self._gate is None:  # now, not on the first message, which would arrive late at its lock
                self._gate = _default_gate()

        return blueprint
