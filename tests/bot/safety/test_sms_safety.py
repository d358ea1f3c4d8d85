"""SMS and safety: the safety text goes before the disclaimer on a first contact; menu replies map to options."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.sms.keywords import option_payload
from bot.channels.sms.output import SmsOutput


class Outbox:
    """Stands in for HandoffService.send_later: records what would be texted, in order."""

    def __init__(self):
        self.texts: list[str] = []

    def send_later(self, conversation_id: str, channel: str, author: str, text: str) -> int:
        self.texts.append(text)
        return len(self.texts)


class Store:
    """Records what the output tells the SMS state: a safety reply means no feedback is asked later."""

    def __init__(self):
        self.safety_replies: list[str] = []

    def safety_reply_sent(self, conversation_id: str) -> None:
        self.safety_replies.append(conversation_id)


def turn(replies: list[tuple[str, str]], store: Store | None = None) -> list[str]:
    """One turn of Rasa replies (response name, text) through the SMS output, then the end of the turn."""
    outbox = Outbox()
    output = SmsOutput("sms-test", outbox, store=store or Store())  # type: ignore[arg-type]

    async def run():
        for name, text in replies:
            await output.send_response("sms-test", {"text": text, "utter_action": name})
        await output.release_held()

    asyncio.run(run())
    return outbox.texts


@pytest.mark.parametrize("safety", ["utter_emergency", "utter_urgent_symptom", "utter_crisis"])
def test_first_contact_safety_text_goes_before_the_disclaimer(safety):
    store = Store()
    sent = turn([("utter_disclaimer", "DISCLAIMER"), (safety, "SAFETY"), ("utter_urgent_nurse_asked", "NURSE")], store)
    assert sent == ["SAFETY", "DISCLAIMER", "NURSE"]
    assert store.safety_replies == ["sms-test"]  # so no "Did this help?" or rating is asked of this number later


def test_an_ordinary_first_answer_keeps_the_disclaimer_first():
    assert turn([("utter_disclaimer", "DISCLAIMER"), ("utter_content_answer", "ANSWER")]) == ["DISCLAIMER", "ANSWER"]


def test_a_disclaimer_alone_is_still_sent_at_the_end_of_the_turn():
    assert turn([("utter_disclaimer", "DISCLAIMER")]) == ["DISCLAIMER"]


PAYLOADS = ["/ask_what_is_recurrence", "/ask_symptoms", "/request_nurse"]


@pytest.mark.parametrize(
    "text, payload",
    [
        ("2", "/ask_symptoms"),
        ("option 2", "/ask_symptoms"),
        ("#3", "/request_nurse"),
        ("the first one", "/ask_what_is_recurrence"),
        ("Second one please", "/ask_symptoms"),
        ("3rd", "/request_nurse"),
        ("4", None),
        ("the fifth one", None),
        ("first things first, my back hurts", None),
    ],
)
def test_menu_replies_are_read_against_the_options_offered(text, payload):
    assert option_payload(text, PAYLOADS) == payload


def test_with_no_menu_a_number_is_not_an_option():
    assert option_payload("1", []) is None
