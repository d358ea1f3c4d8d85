"""Which websites may open the widget's socket (engine.io checks the origin), and the CORS it answers alone."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from rasa.core.channels.socketio import SocketBlueprint
from sanic.request import Request

from bot.client_address import Network, from_trusted_proxy


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
