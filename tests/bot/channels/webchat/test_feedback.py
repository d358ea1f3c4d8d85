"""'Was this helpful?' and the rating on the web: the marked bubbles, and the endpoint the widget posts to."""

from __future__ import annotations

import asyncio

import pytest
import requests
from sqlalchemy import select

from bot.channels.webchat.channel import SecureSocketIOInput
from bot.channels.webchat.config import WebchatConfig
from bot.channels.webchat.feedback import answer_css
from bot.channels.webchat.messages import outbox_message
from bot.feedback.models import Feedback
from bot.feedback.store import FeedbackStore
from bot.wording import Wording
from tests.bot.channels.webchat.harness import FakeRasa, Person, run, serve


@pytest.fixture
def store(imported, clock):
    return FeedbackStore(imported, clock)


@pytest.fixture
def channel(service, store, tmp_path) -> SecureSocketIOInput:
    return SecureSocketIOInput(
        WebchatConfig(secret_file=tmp_path / "webchat_secret", widget_dir=tmp_path / "widget"),
        service_provider=lambda: service,
        feedback_store=lambda: store,
    )


def stored(session_factory) -> list[tuple]:
    with session_factory() as session:
        rows = session.execute(select(Feedback).order_by(Feedback.id)).scalars()
        return [(r.conversation_id, r.channel, r.kind, r.content_id, r.handoff_id, r.rating, r.comment) for r in rows]


def test_only_a_content_answer_with_a_plain_entry_id_is_marked():
    assert answer_css({"utter_action": "utter_content_answer", "content_id": "coping-general"}) == {
        "style": "class",
        "css": "helpline-answer helpline-answer--coping-general",
    }
    assert answer_css({"utter_action": "utter_greet", "content_id": "coping-general"}) is None
    assert answer_css({"utter_action": "utter_content_answer"}) is None
    assert answer_css({"utter_action": "utter_content_answer", "content_id": 'x" onclick="y'}) is None


def test_the_close_notice_of_a_nurse_chat_is_marked_for_a_rating_and_nothing_else_is():
    wording = Wording.from_domain()
    closed = outbox_message("system", wording.text("utter_handoff_closed"), None, wording)
    assert closed["metadata"] == {"customCss": {"style": "class", "css": "helpline-notice helpline-csat"}}
    back = outbox_message("system", wording.text("utter_handoff_back_to_bot"), None, wording)
    assert back["metadata"] == {"customCss": {"style": "class", "css": "helpline-notice"}}
    said = outbox_message("nurse", wording.text("utter_handoff_closed"), "Jo", wording)  # a nurse's own words
    assert said["metadata"]["customCss"]["css"] == "helpline-nurse"


def test_the_bubble_of_a_content_answer_carries_the_entry_and_others_do_not(channel):
    async def scenario() -> None:
        async with serve(channel, FakeRasa()) as url:
            person = Person(url)
            await person.open()
            await person.say("content please")
            await person.wait_for(lambda m: "Last reviewed" in m.get("text", ""))
            await person.say("hello")
            await person.wait_for(lambda m: m.get("text") == "echo: hello")
            assert person.received == [
                {
                    "text": "An answer.\n\nLast reviewed May 2019.",
                    "metadata": {
                        "customCss": {"style": "class", "css": "helpline-answer helpline-answer--coping-general"}
                    },
                },
                {"text": "echo: hello"},
            ]
            await person.close()

    run(scenario)


def post(url: str, body) -> requests.Response:
    return requests.post(f"{url}/webhooks/socketio/feedback", json=body, timeout=5)


def test_a_verdict_is_stored_against_the_tokens_conversation_and_redacted(channel, imported):
    async def scenario() -> None:
        async with serve(channel, FakeRasa()) as url:
            conversation, token = channel.tokens().new_conversation()
            no = await asyncio.to_thread(post, url, {"token": token, "content_id": "coping-general", "helpful": False})
            assert no.status_code == 204
            words = {"token": token, "content_id": "coping-general", "helpful": False, "comment": "ring 07700 900467"}
            assert (await asyncio.to_thread(post, url, words)).status_code == 204
            assert stored(imported) == [
                (conversation, "socketio", "helpful", "coping-general", None, 0, "ring [phone]")
            ]

    run(scenario)


@pytest.mark.parametrize(
    "body, status",
    [
        ({"token": "forged", "content_id": "coping-general", "helpful": True}, 403),
        ({"token": "TOKEN", "content_id": "no-such-entry", "helpful": True}, 404),
        ({"token": "TOKEN", "content_id": "coping-general", "helpful": "yes"}, 400),
        ({"token": "TOKEN", "content_id": "Coping General", "helpful": True}, 400),
        ({"token": "TOKEN", "content_id": "coping-general", "helpful": False, "comment": "x" * 1001}, 413),
        ({"token": "TOKEN", "rating": 6}, 400),
        ({"token": "TOKEN", "rating": True}, 400),
        ({"token": "TOKEN", "rating": 4}, 404),  # no nurse chat has ended
        (["not", "an", "object"], 400),
    ],
)
def test_what_is_refused_stores_nothing(channel, imported, body, status):
    async def scenario() -> None:
        async with serve(channel, FakeRasa()) as url:
            _, token = channel.tokens().new_conversation()
            sent = {k: token if v == "TOKEN" else v for k, v in body.items()} if isinstance(body, dict) else body
            got = await asyncio.to_thread(post, url, sent)
            assert got.status_code == status, got.text
            assert stored(imported) == []

    run(scenario)


def test_a_rating_is_for_the_nurse_chat_that_ended(channel, imported, service, nurses):
    async def scenario() -> None:
        async with serve(channel, FakeRasa()) as url:
            conversation, token = channel.tokens().new_conversation()
            handoff = service.request(conversation, "socketio", "asked for a nurse").handoff
            service.claim(handoff.id, nurses[0].id)
            assert (await asyncio.to_thread(post, url, {"token": token, "rating": 5})).status_code == 404  # still open
            service.close(handoff.id, nurses[0].id, "Information given")
            assert (await asyncio.to_thread(post, url, {"token": token, "rating": 4})).status_code == 204
            assert stored(imported) == [(conversation, "socketio", "csat", None, handoff.id, 4, None)]

    run(scenario)
