"""The widget after a reload or a closed tab, in real headless Chromium: every reply shown, and none shown twice."""

from __future__ import annotations

from bot.channels.webchat.messages import NURSE_CSS_CLASS
from bot.channels.webchat.output import SEEN
from tests.integration.stack import MONDAY_10AM
from tests.integration.test_widget_browser import wait_until
from tests.integration.widget_fixtures import (
    ANSWER,
    LIVE,
    NurseSide,
    WidgetPage,
    WidgetStack,
    responses,
    widget_person,
)


def shown_twice(person: WidgetPage) -> list[str]:
    said = person.messages.locator(".rw-response").all_inner_texts()
    return [text for i, text in enumerate(said) if text in said[:i]]


def test_a_reload_straight_after_an_answer_shows_it_once(chromium, widget_stack: WidgetStack):
    from playwright.sync_api import expect

    with widget_person(chromium, widget_stack) as person:
        person.open()
        person.say("what are the symptoms of secondary breast cancer")
        expect(responses(person, "bones")).to_have_count(1, timeout=ANSWER)
        person.page.reload()  # at once: the answer is on the screen, and in the widget's storage
        expect(person.page.locator(".rw-conversation-container")).to_be_visible()
        expect(responses(person, "bones")).to_have_count(1)
        assert any("session_request" in sent and SEEN in sent for sent in person.sent)  # it said what it has

        # Anything sent again on return comes before the next answer: once that is shown, nothing else is coming.
        person.say("and what about the treatment for that?")
        expect(responses(person, "cannot be cured")).to_have_count(1, timeout=ANSWER)
        expect(responses(person, "bones")).to_have_count(1)
        assert shown_twice(person) == []
        assert person.errors == []


def test_a_nurse_reply_written_while_the_tab_was_closed_arrives_on_return_once(
    chromium,
    widget_stack: WidgetStack,
    nurse_side: NurseSide,
):
    from playwright.sync_api import expect

    widget_stack.set_clock(MONDAY_10AM)
    nurses = nurse_side.service
    with widget_person(chromium, widget_stack) as person:
        person.open()
        person.say("can I talk to a nurse please")
        expect(responses(person, "in the queue")).to_have_count(1, timeout=ANSWER)
        conversation = person.conversation_id()
        person.page.close()  # at once, straight after the reply
        handoff = nurses.open_handoff(conversation)
        assert handoff is not None
        wait_until(lambda: nurses.open_handoff(conversation).away_since is not None, "the server saw the tab close")

        nurses.claim(handoff.id, nurse_side.nurse_id)
        reply = "Hello, I'm Amy. I have read your messages; what would you like to ask?"
        nurses.reply(handoff.id, nurse_side.nurse_id, reply)
        assert reply in [m.text for m in nurses.pending_for(conversation)]  # nobody connected: kept

        back = WidgetPage(person.context, widget_stack)
        back.page.goto(widget_stack.demo_url)
        expect(back.page.locator(".rw-conversation-container")).to_be_visible()
        expect(back.messages.locator(f".rw-response.{NURSE_CSS_CLASS}")).to_have_text(
            f"Nurse Amy (nurse): {reply}", timeout=LIVE
        )
        wait_until(lambda: nurses.pending_for(conversation) == [], "the reply is marked delivered")
        back.say("thank you")
        wait_until(lambda: nurses.detail(handoff.id)[1][-1].text == "thank you", "it reaches the nurse")
        expect(responses(back, "in the queue")).to_have_count(1)
        assert shown_twice(back) == []
        nurses.close(handoff.id, nurse_side.nurse_id, "Information and support given")
        assert back.errors == []
