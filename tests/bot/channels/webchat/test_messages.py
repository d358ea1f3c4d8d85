"""Nurse text in the widget is shown as written: it can never become a link."""

from __future__ import annotations

import pytest

from bot.channels.webchat.messages import markdown_literal


def test_nurse_text_cannot_become_a_link():
    text = markdown_literal("[click](javascript:alert(1)) <b>hi</b> \\")
    assert text == "\\[click\\](javascript:alert(1)) &lt;b>hi&lt;/b> \\\\"  # shown as written


@pytest.mark.parametrize(
    "autolink", ["<javascript://%0Aalert(1)>", "<vbscript://x>", "<data://text/html,x>", "<https://evil.example/>"]
)
def test_nurse_text_cannot_become_an_autolink(autolink):
    """The widget's markdown turns <scheme:…> into a live link (issue 13, L1)."""
    text = markdown_literal(f"see {autolink} & now")
    assert "<" not in text and text == f"see {autolink.replace('<', '&lt;')} &amp; now"
