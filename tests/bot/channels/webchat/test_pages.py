"""The widget's bundle, served without its Google Fonts import, and the demo page; a missing widget said plainly."""

from __future__ import annotations

import asyncio
from typing import Optional

import requests

from bot.channels.webchat.channel import SecureSocketIOInput
from bot.channels.webchat.config import WebchatConfig
from bot.channels.webchat.pages import GOOGLE_FONTS_IMPORT
from tests.bot.channels.webchat.harness import FakeRasa, run, serve


def widget_channel(service, tmp_path, bundle: Optional[bytes]) -> SecureSocketIOInput:
    widget = tmp_path / "widget"
    if bundle is not None:
        (widget / "lib").mkdir(parents=True)
        (widget / "lib" / "index.js").write_bytes(bundle)
    return SecureSocketIOInput(
        WebchatConfig(secret_file=tmp_path / "webchat_secret", widget_dir=widget), service_provider=lambda: service
    )


def test_the_widget_is_served_without_its_google_fonts_import(service, tmp_path):
    channel = widget_channel(service, tmp_path, b"/*a*/" + GOOGLE_FONTS_IMPORT + b"/*b*/")

    async def scenario() -> None:
        async with serve(channel, FakeRasa()) as url:
            got = await asyncio.to_thread(requests.get, f"{url}/webhooks/socketio/widget.js", timeout=5)
            assert got.status_code == 200 and got.content == b"/*a*//*b*/"
            assert got.headers["content-type"].startswith("application/javascript")
            again = await asyncio.to_thread(
                requests.get,
                f"{url}/webhooks/socketio/widget.js",
                headers={"If-None-Match": got.headers["etag"]},
                timeout=5,
            )
            assert again.status_code == 304
            page = await asyncio.to_thread(requests.get, f"{url}/webhooks/socketio/demo", timeout=5)
            assert page.status_code == 200
            assert "This assistant gives information, not a diagnosis. In an emergency call 999." in page.text
            assert 'src="/webhooks/socketio/widget.js"' in page.text
            assert "script-src 'self'" in page.headers["content-security-policy"]
            assert "http" not in page.text.split("<body>")[1]  # nothing loaded from elsewhere

    run(scenario)


def test_a_missing_widget_is_reported_plainly(service, tmp_path):
    channel = widget_channel(service, tmp_path, None)

    async def scenario() -> None:
        async with serve(channel, FakeRasa()) as url:
            got = await asyncio.to_thread(requests.get, f"{url}/webhooks/socketio/widget.js", timeout=5)
            assert got.status_code == 503 and "scripts/install-widget.sh" in got.text

    run(scenario)
