"""Saved replies: every one names a reviewed response that fills in; the API gives them with today's hours."""

from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT
from bot.console.replies import RepliesInvalid, load_replies, render
from bot.hours import OpeningHours
from bot.wording import Wording
from tests.bot.console.conftest import sign_in

WORDING = Wording.from_domain()
HOURS = OpeningHours.from_file(PROJECT_ROOT / "config" / "helpline.yml")


def test_every_saved_reply_is_a_response_of_the_domain_and_fills_in():
    replies = load_replies(WORDING)
    assert len(replies) >= 5
    for reply in replies:
        text = render(reply, WORDING, HOURS)
        assert text and "{" not in text, reply
    hours = next(r for r in replies if r.id == "helpline-hours")
    assert "0808 800 6000" in render(hours, WORDING, HOURS) and "Monday to Friday" in render(hours, WORDING, HOURS)


@pytest.mark.parametrize(
    "body, problem",
    [
        ("replies:\n  - {id: a, title: A, response: utter_no_such_thing}\n", "is not a response in domain.yml"),
        (
            "replies:\n  - {id: a, title: A, response: utter_crisis}\n  - {id: a, title: B, response: utter_crisis}\n",
            "used twice",
        ),
        ("replies:\n  - {id: a, response: utter_crisis}\n", "needs an id and a title"),
    ],
)
def test_a_bad_replies_file_is_refused_with_where(tmp_path, body, problem):
    path = tmp_path / "replies.yml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RepliesInvalid, match=problem):
        load_replies(WORDING, path)


def test_a_nurse_gets_the_saved_replies_in_order(console_server, nurse):
    response = sign_in(console_server.url, nurse).get(f"{console_server.url}/api/replies", timeout=10)
    assert response.status_code == 200
    replies = response.json()["replies"]
    assert [r["id"] for r in replies] == [r.id for r in load_replies(WORDING)]
    assert next(r for r in replies if r["id"] == "samaritans")["text"] == WORDING.text("utter_crisis")
