"""The widget's bundle, its accessibility layer and the demo page, from bot/channels/webchat/static."""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path
from string import Template
from typing import Optional

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.webchat.config import WebchatConfig
from bot.channels.webchat.messages import NOTICE_CSS_CLASS, NURSE_CSS_CLASS

logger = logging.getLogger(__name__)

WIDGET_BUNDLE = "lib/index.js"  # the UMD build: React, ReactDOM and socket.io-client are bundled in
STATIC_DIR = Path(__file__).parent / "static"
DEMO_PAGE = STATIC_DIR / "demo.html"  # a string.Template: $title, $notice, $widget, $script, $socket_path, ...
DEMO_SCRIPT = STATIC_DIR / "demo.js"  # starts the widget, then its accessibility layer
# The accessibility layer and what the widget shows around the conversation, for the demo page and embedding sites:
# one file per concern, served joined in this order as one classic script (accessible/core.js runs the others).
ACCESSIBLE_PARTS = tuple(
    STATIC_DIR / "accessible" / f"{part}.js"
    for part in ("core", "labels", "feedback", "scrolling", "nurse", "helpbar", "delivery")
)
# The widget's CSS imports a font from Google; a health charity's visitors should not be announced to a third party.
GOOGLE_FONTS_IMPORT = b"@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);"
BOT_NAME = "Nurse helpline assistant"
SAFETY_NOTICE = "This assistant gives information, not a diagnosis. In an emergency call 999."


class Pages:
    """Serves the widget and, unless `demo_page` is off, the demo page on the channel's blueprint."""

    def __init__(self, config: WebchatConfig):
        self.config = config
        self._widget: Optional[tuple[bytes, str]] = None

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

    def add_to(self, blueprint: Blueprint) -> None:
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
                accessible_script_text().encode(),
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
                notice_class=NOTICE_CSS_CLASS,
            )
            return response.html(page, headers=_PAGE_HEADERS)


@functools.cache
def accessible_script_text() -> str:
    """accessible.js: the layer's parts, joined once."""
    return "\n".join(_static(part) for part in ACCESSIBLE_PARTS)


@functools.cache
def _static(path: Path) -> str:
    """A file of the demo page (bot/channels/webchat/static), read once."""
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
