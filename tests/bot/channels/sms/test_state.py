"""What the SMS channel keeps per number: keyed ids, encryption at rest, received texts, stored options."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from cryptography.fernet import InvalidToken

from bot.channels.sms.state import SmsKeys, SmsStore
from tests.bot.channels.sms.harness import DIGITS, GREET_BUTTONS, KEY, PHONE


def test_conversation_id_is_a_keyed_hash_of_the_number():
    keys = SmsKeys(KEY)
    cid = keys.conversation_id(PHONE)
    assert cid.startswith("sms-") and len(cid) == 4 + 64
    assert DIGITS not in cid
    assert keys.conversation_id(f" {PHONE} ") == cid  # stable
    assert SmsKeys(KEY).conversation_id(PHONE) == cid  # across processes
    assert SmsKeys("z" * 40).conversation_id(PHONE) != cid  # and useless without the key
    assert keys.conversation_id("+447700900124") != cid


def test_a_short_key_is_refused():
    with pytest.raises(ValueError, match="at least 32"):
        SmsKeys("too short")


def test_numbers_and_texts_are_encrypted_at_rest(sms, tmp_path):
    inbound = sms.store.receive(PHONE, "SM1", "my number is private")
    assert inbound is not None and inbound.conversation_id == sms.cid
    with sqlite3.connect(tmp_path / "helpline.db") as db:
        dump = "\n".join(db.iterdump())
    assert DIGITS not in dump and "private" not in dump
    assert sms.cid in dump
    assert sms.state().phone == PHONE
    other = SmsStore(sms.store._sessions, SmsKeys("z" * 40), sms.clock)
    with pytest.raises(InvalidToken):
        other.state(sms.cid)  # another key cannot read the number


def test_a_handled_text_is_erased_and_a_repeated_webhook_ignored(sms, tmp_path):
    sms.store.receive(PHONE, "SM1", "first text")
    assert sms.store.receive(PHONE, "SM1", "first text") is None  # Twilio retry or replay
    inbound = sms.store.next_inbound(sms.cid)
    assert inbound.text == "first text" and inbound.attempts == 1
    sms.store.mark_handled(inbound.id)
    with sqlite3.connect(tmp_path / "helpline.db") as db:
        assert db.execute("SELECT body_encrypted FROM sms_inbound").fetchall() == [(None,)]
    assert sms.store.next_inbound(sms.cid) is None


def test_handled_texts_are_pruned_after_a_week(sms):
    sms.store.receive(PHONE, "SM1", "old")
    sms.store.mark_handled(sms.store.next_inbound(sms.cid).id)
    sms.clock.advance(days=8)
    sms.store.receive(PHONE, "SM2", "new")
    assert sms.store.receive(PHONE, "SM1", "old again") is not None  # forgotten, so no longer a duplicate


def test_options_are_stored_as_json(sms):
    sms.rasa.reply = {"text": "Pick one", "buttons": GREET_BUTTONS}
    sms.text("hmm")
    with sms.store._sessions() as session:
        from bot.channels.sms.models import SmsConversation

        row = session.get(SmsConversation, sms.cid)
        assert json.loads(row.options) == [b["payload"] for b in GREET_BUTTONS]
        assert row.updated_at is not None and isinstance(row.created_at, dt.datetime)
