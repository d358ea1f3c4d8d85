"""Which websites may open the socket: its own origin and the configured ones; forwarded headers only from a proxy."""

from __future__ import annotations

from bot.channels.webchat.origins import SameOriginOr


def test_origins_same_origin_and_configured_only():
    check = SameOriginOr(["https://www.example.org/"])
    environ = {"HTTP_HOST": "chat.example.org", "wsgi.url_scheme": "https"}
    assert check("https://www.example.org", environ)
    assert check("https://chat.example.org", environ)
    assert not check("https://evil.example.com", environ)
    assert not check("http://chat.example.org", environ)


def test_the_origin_check_trusts_forwarded_headers_only_from_a_trusted_proxy():
    from bot.client_address import parse_networks

    forged = {"HTTP_HOST": "chat.example.org", "HTTP_X_FORWARDED_HOST": "evil.example", "REMOTE_ADDR": "203.0.113.5"}
    assert not SameOriginOr([])("http://evil.example", forged)  # issue 13, L9
    proxied = {**forged, "REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_HOST": "chat.example.org"}
    proxied["HTTP_HOST"] = "127.0.0.1:5105"
    assert SameOriginOr([], parse_networks(["127.0.0.1"]))("http://chat.example.org", proxied)
    assert not SameOriginOr([])("http://chat.example.org", proxied)  # no proxy configured: Host only
