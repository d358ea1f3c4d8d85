"""The README's walk-through, in real headless Chromium: a message left on the widget out of hours, with a red flag
in it, answered by a nurse in the console next morning, and seen by the person when they come back.

Each step's screenshot goes to docs/walkthrough/ only when asked (HELPLINE_UPDATE_SCREENSHOT=1): a test run leaves
the tree clean.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from bot.channels.webchat.messages import NURSE_CSS_CLASS
from bot.config import PROJECT_ROOT
from bot.handoff.models import Priority
from tests.bot.console.conftest import ConsoleServer
from tests.integration.console_fixtures import sign_in_as
from tests.integration.stack import LONDON
from tests.integration.widget_fixtures import (
    ANSWER,
    LIVE,
    NURSE_PASSWORD,
    VIEWPORT,
    NurseSide,
    WidgetPage,
    WidgetStack,
    greeted,
    responses,
)
from tests.support.waiting import wait_until

SCREENSHOTS = PROJECT_ROOT / "docs" / "walkthrough"
TUESDAY_7PM = dt.datetime(2026, 11, 24, 19, 0, tzinfo=LONDON)
WEDNESDAY_910AM = dt.datetime(2026, 11, 25, 9, 10, tzinfo=LONDON)
QUESTION = "what is recurrence"
ASK_FOR_A_NURSE = "can I talk to a nurse please"
MESSAGE = "my scar has gone red and lumpy and my legs feel weak"
NURSE = "Amy Clarke"
REPLY = (
    "Hello, it's Amy, one of the breast care nurses. Your scar and your legs need checking today: "
    "please ring us on 0808 800 6000 now that we're open."
)


def snap(target: Any, name: str, tmp_path: Path) -> None:
    """Saves one step's screenshot: into docs/walkthrough/ when asked, otherwise drawn into tmp_path and dropped."""
    folder = SCREENSHOTS if os.environ.get("HELPLINE_UPDATE_SCREENSHOT") == "1" else tmp_path
    path = folder / f"{name}.png"
    target.screenshot(path=str(path))
    assert path.stat().st_size > 10_000  # a drawn page, not a blank one


def to_the_end(person: WidgetPage) -> None:
    person.messages.evaluate("node => { node.scrollTop = node.scrollHeight; }")


def test_a_message_left_out_of_hours_is_answered_next_morning_and_seen_on_return(
    chromium,
    widget_stack: WidgetStack,
    widget_console: ConsoleServer,
    nurse_side: NurseSide,
    tmp_path,
):
    from playwright.sync_api import expect

    nurses = nurse_side.service
    nurse_side.accounts.create("amy", NURSE, NURSE_PASSWORD)
    person_context = chromium.new_context(viewport=VIEWPORT)
    nurse_context = chromium.new_context(viewport={"width": 1366, "height": 1100})
    person = WidgetPage(person_context, widget_stack)
    widget = person.page.locator(".rw-widget-container")
    try:
        # 1. Tuesday 19:00, the helpline is closed: a question is answered, with its caption in the same bubble.
        widget_stack.set_clock(TUESDAY_7PM)
        person.open()
        greeted(person)
        person.say(QUESTION)
        answer = responses(person, "same breast cancer coming back")
        expect(answer).to_have_count(1, timeout=ANSWER)
        expect(answer).to_contain_text("From our page on")
        expect(answer).to_contain_text("last reviewed")
        to_the_end(person)
        snap(widget, "01-answer", tmp_path)

        # 2. They ask for a nurse: closed, and offered to leave a message.
        person.say(ASK_FOR_A_NURSE)
        expect(responses(person, "Our nurses aren't available right now")).to_have_count(1, timeout=ANSWER)
        expect(responses(person, "We're open again tomorrow at 9am")).to_have_count(1)
        expect(responses(person, "Would you like to leave a message for the nurses?")).to_have_count(1)
        chips = person.messages.locator(".rw-replies").last.get_by_role("button")
        expect(chips).to_have_text(["Yes, leave a message", "No thanks"])
        to_the_end(person)
        snap(widget, "02-closed", tmp_path)

        # The message has a red flag in it: the safety reply interrupts, and the whole message is still saved.
        chips.first.click()
        expect(responses(person, "Please type your message for the nurses")).to_have_count(1, timeout=ANSWER)
        person.say(MESSAGE)
        saved = responses(person, f'I\'ve saved your message for the nurses: "{MESSAGE}"')
        expect(saved).to_have_count(1, timeout=ANSWER)
        expect(responses(person, "A nurse will reply after 9am tomorrow; you'll see it here.")).to_have_count(1)
        said = person.messages.locator(".rw-response").all_inner_texts()
        safety = [i for i, text in enumerate(said) if "999" in text or "NHS 111" in text]
        assert safety and safety[0] < said.index(saved.inner_text()), said  # the safety reply came first
        conversation = person.conversation_id()
        [left] = [m for m in nurses.left_messages() if m.conversation_id == conversation]
        written = [m.text for m in nurses.detail(left.id)[1] if m.author == "person" and not m.context]
        assert written == [MESSAGE]  # every word of it, although the safety reply interrupted
        to_the_end(person)
        snap(widget, "03-message-saved", tmp_path)
        assert person.errors == []
        person.page.close()  # and go away

        # 3. Wednesday 09:10: a nurse signs in, reads the message and what led up to it, and replies, by keyboard.
        widget_stack.set_clock(WEDNESDAY_910AM)
        console = nurse_context.new_page()
        console_errors: list[str] = []
        console.on("pageerror", lambda error: console_errors.append(str(error)))
        console.goto(f"{widget_console.url}/console")
        sign_in_as(console, "amy", NURSE_PASSWORD)
        expect(console.locator("#signed-in-as")).to_have_text(f"{NURSE} (nurse)")
        entry = console.locator(f'#left-messages button[data-id="{left.id}"]')
        expect(entry).to_contain_text(MESSAGE)
        expect(entry).to_contain_text("Web chat")
        expect(entry.locator(".badge.urgent")).to_have_text("Urgent")  # the safety reply interrupted it
        assert left.priority == Priority.URGENT
        entry.focus()
        console.keyboard.press("Enter")
        expect(console.locator("#conversation-title")).to_be_focused()
        expect(console.locator("#fact-state")).to_have_text("Message waiting: claim it to reply")
        before = console.locator("#transcript .msg-context")
        expect(before.filter(has_text=QUESTION)).to_have_count(1)  # the conversation leading up to it
        asked = before.filter(has_text=ASK_FOR_A_NURSE)
        expect(asked).to_have_count(1)
        expect(console.locator("#transcript .msg-person:not(.msg-context)")).to_contain_text(MESSAGE)
        asked.evaluate(  # the transcript from where they asked for a nurse, the page at its top
            """node => { const box = node.closest("#transcript");
                box.scrollTop += node.getBoundingClientRect().top - box.getBoundingClientRect().top;
                window.scrollTo(0, 0); }"""
        )
        snap(console, "04-nurse-reads", tmp_path)
        console.get_by_role("button", name="Claim this conversation").focus()
        console.keyboard.press("Enter")
        reply_box = console.get_by_label("Reply to their message (shown in their chat)")
        expect(reply_box).to_be_focused()
        console.keyboard.type(REPLY)
        console.keyboard.press("Enter")
        expect(console.locator("#transcript .msg-nurse").last).to_contain_text(REPLY)
        expect(reply_box).to_have_value("")
        assert ("socketio", "nurse", REPLY) in [(m.channel, m.author, m.text) for m in nurses.pending_for(conversation)]
        console.locator("#transcript").evaluate(
            "node => { node.scrollTop = node.scrollHeight; window.scrollTo(0, 0); }"
        )
        snap(console, "05-nurse-replies", tmp_path)
        assert console_errors == []

        # 4. The person comes back to the widget: the nurse's reply is there, marked as the nurse's.
        person = WidgetPage(person_context, widget_stack)
        person.page.goto(widget_stack.demo_url)
        expect(person.page.locator(".rw-conversation-container")).to_be_visible()
        from_nurse = person.messages.locator(f".rw-response.{NURSE_CSS_CLASS}")
        expect(from_nurse).to_have_text(f"{NURSE} (nurse): {REPLY}", timeout=LIVE)
        expect(responses(person, "saved your message")).to_have_count(1)  # the same conversation
        wait_until(lambda: not nurses.pending_for(conversation), "the reply to be marked delivered")
        to_the_end(person)
        snap(person.page.locator(".rw-widget-container"), "06-reply-seen", tmp_path)
        assert person.errors == []
    finally:
        nurse_context.close()
        person_context.close()
