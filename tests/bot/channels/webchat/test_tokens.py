"""Conversation tokens: only what the server signed, for its purpose and in date, leads back to a conversation."""

from __future__ import annotations

import base64
import json
import stat
import time
from pathlib import Path

import jwt
import pytest

from bot.channels.webchat.channel import SecureSocketIOInput
from bot.channels.webchat.config import WebchatConfig
from bot.channels.webchat.tokens import (
    AUDIENCE,
    SECRET_BYTES,
    ConversationTokens,
    default_secret_file,
    load_or_create_secret,
)
from tests.bot.channels.webchat.harness import KEY, OTHER_KEY, payload_of


@pytest.fixture
def tokens() -> ConversationTokens:
    return ConversationTokens(KEY, session_hours=1)


def test_a_new_conversation_has_a_random_id_and_a_token_that_verifies(tokens):
    conversation, token = tokens.new_conversation()
    other, _ = tokens.new_conversation()
    assert conversation != other and conversation.startswith("web-") and len(conversation) == 36
    assert tokens.verify(token) == conversation


@pytest.mark.parametrize(
    "forged",
    [
        None,
        "",
        42,
        {"session_id": "x"},
        "web-" + "0" * 32,  # a raw conversation id
        "not.a.token",
        "x" * 5000,
    ],
)
def test_anything_but_a_signed_token_is_refused(tokens, forged):
    assert tokens.verify(forged) is None


def test_the_raw_id_of_a_real_conversation_is_refused(tokens):
    conversation, _ = tokens.new_conversation()
    assert tokens.verify(conversation) is None


def test_a_token_signed_with_another_key_is_refused(tokens):
    conversation, _ = tokens.new_conversation()
    assert tokens.verify(ConversationTokens(OTHER_KEY).issue(conversation)) is None


def test_a_tampered_token_is_refused(tokens):
    mine, token = tokens.new_conversation()
    victim, _ = tokens.new_conversation()
    header, body, signature = token.split(".")
    claims = payload_of(token)
    claims["sub"] = victim
    forged_body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert tokens.verify(f"{header}.{forged_body}.{signature}") is None
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert tokens.verify(f"{header}.{body}.{flipped}") is None
    assert tokens.verify(token) == mine


def test_unsigned_and_other_algorithm_tokens_are_refused(tokens):
    conversation, _ = tokens.new_conversation()
    claims = {"sub": conversation, "aud": AUDIENCE, "iat": int(time.time()), "exp": int(time.time()) + 60}
    assert tokens.verify(jwt.encode(claims, None, algorithm="none")) is None
    assert tokens.verify(jwt.encode(claims, KEY, algorithm="HS512")) is None


def test_a_token_for_another_purpose_or_id_shape_is_refused(tokens):
    now = int(time.time())
    console_like = {"sub": "web-" + "a" * 32, "aud": "helpline-console", "iat": now, "exp": now + 60}
    assert tokens.verify(jwt.encode(console_like, KEY, algorithm="HS256")) is None
    not_ours = {"sub": "someone-else", "aud": AUDIENCE, "iat": now, "exp": now + 60}
    assert tokens.verify(jwt.encode(not_ours, KEY, algorithm="HS256")) is None
    no_expiry = {"sub": "web-" + "a" * 32, "aud": AUDIENCE, "iat": now}
    assert tokens.verify(jwt.encode(no_expiry, KEY, algorithm="HS256")) is None


def test_an_expired_token_is_refused(tokens):
    conversation, _ = tokens.new_conversation()
    assert tokens.verify(tokens.issue(conversation, now=time.time() - 2 * 3600)) is None
    assert tokens.verify(tokens.issue(conversation, now=time.time() - 1800)) == conversation


def test_the_key_is_made_once_with_mode_600(tmp_path):
    path = tmp_path / "sub" / "webchat_secret"
    first = load_or_create_secret(path)
    assert len(first) == SECRET_BYTES and load_or_create_secret(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_bytes(b"short")
    with pytest.raises(ValueError):
        load_or_create_secret(path)


def test_the_key_file_comes_from_the_environment(tmp_path):
    assert default_secret_file({"HELPLINE_WEBCHAT_SECRET_FILE": "/x/key"}) == Path("/x/key")
    assert default_secret_file({"HELPLINE_DATA_DIR": str(tmp_path)}) == tmp_path / "webchat_secret"


def test_the_key_is_not_created_until_it_is_needed(tmp_path):
    path = tmp_path / "webchat_secret"
    channel = SecureSocketIOInput(WebchatConfig(secret_file=path))
    assert not path.exists()
    channel.tokens()
    assert path.exists()
