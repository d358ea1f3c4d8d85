"""Wording from domain.yml: a channel's own variant where there is one, and buttons; SMS never sounds like the web."""

from __future__ import annotations

import string

import yaml

from bot.config import PROJECT_ROOT
from bot.wording import Wording

WEB_ONLY = ("this chat", "the chat", "new chats", "type your", 'choose "', "click", "button", "below")


def test_a_channel_variant_is_used_on_its_channel_and_the_plain_one_elsewhere():
    wording = Wording.from_domain()
    assert "Reply YES or NO" in wording.text("utter_offer_nurse", channel="twilio")
    assert "Reply YES or NO" not in wording.text("utter_offer_nurse")
    assert wording.text("utter_anything_else", channel="twilio") == wording.text("utter_anything_else")
    assert wording.buttons("utter_handoff_queued") == [{"title": "Leave the queue", "payload": "leave the queue"}]
    assert wording.buttons("utter_handoff_queued", "twilio") == []  # its SMS variant says "Reply CANCEL"


def test_no_text_message_uses_web_only_phrases():
    responses = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    wording = Wording.from_domain()
    for name, variants in responses.items():
        texts = [v["text"] for v in variants if "text" in v and v.get("channel") in (None, "twilio")]
        fields = {field: "x" for text in texts for _, field, _, _ in string.Formatter().parse(text) if field}
        said = wording.text(name, channel="twilio", **fields).lower()
        assert not any(phrase in said for phrase in WEB_ONLY), f"{name}: {said}"
