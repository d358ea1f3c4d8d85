"""Around the conversation, in real headless Chromium with the console: the help bar all through it, the nurse's
name in the widget's header while they are in the chat, and typing shown both ways; axe-core finds nothing."""

from __future__ import annotations

from bot.handoff.typing import Typing
from bot.wording import Wording
from tests.bot.console.conftest import ConsoleServer
from tests.integration.axe import assert_accessible, check_accessibility
from tests.integration.console_fixtures import sign_in_as
from tests.integration.stack import MONDAY_10AM
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

NURSE = "Beth Jones"
SUBTITLE = "Information, not a diagnosis"


def test_the_help_bar_the_nurses_name_and_typing_both_ways(
    chromium,
    widget_stack: WidgetStack,
    widget_console: ConsoleServer,
    nurse_side: NurseSide,
):
    from playwright.sync_api import expect

    words = Wording.from_domain()
    widget_stack.set_clock(MONDAY_10AM)
    nurse = nurse_side.accounts.create("beth", NURSE, NURSE_PASSWORD)
    person_context = chromium.new_context(viewport=VIEWPORT)
    nurse_context = chromium.new_context(viewport={"width": 1366, "height": 1000})
    person = WidgetPage(person_context, widget_stack)
    page, keyboard = person.page, person.page.keyboard
    found: dict[str, str] = {}
    try:
        person.open()
        greeted(person)
        person.say("how can I find a clinical trial?")
        answer = person.messages.locator(".rw-response.helpline-answer--clinical-trials-find")
        expect(answer).to_have_count(1, timeout=ANSWER)
        # The question under a short answer is in view, not under the text box (a long one opens at its start).
        helpful = page.get_by_role("group", name="Was this helpful?")
        expect(helpful).to_be_visible()
        assert helpful.evaluate(
            """box => { const view = box.closest(".rw-messages-container").getBoundingClientRect();
                return box.getBoundingClientRect().bottom <= view.bottom + 1; }"""
        ), "the feedback question is hidden under the text box"

        # The help bar, after the greeting and the answer: a named group of buttons, from the keyboard.
        bar = page.get_by_role("group", name=words.text("utter_widget_help_bar"))
        expect(bar.get_by_role("button")).to_have_text(["Talk to a nurse", "Urgent help"])
        check_accessibility(page, "the help bar under an answer", found)
        bar.get_by_role("button", name="Talk to a nurse").focus()
        keyboard.press("Enter")
        expect(responses(person, "in the queue")).to_have_count(1, timeout=ANSWER)
        expect(bar.get_by_role("button")).to_have_text(["Urgent help"], timeout=LIVE)  # queued: urgent help only

        # A nurse signs in to the console, claims the chat: her name replaces the subtitle.
        conversation = person.conversation_id()
        handoff = nurse_side.service.open_handoff(conversation)
        assert handoff is not None
        console = nurse_context.new_page()
        console.goto(f"{widget_console.url}/console")
        sign_in_as(console, "beth", NURSE_PASSWORD)
        console.locator(f'#queue button[data-id="{handoff.id}"]').click()
        console.get_by_role("button", name="Claim this conversation").click()
        reply_box = console.get_by_label("Reply to the person")
        expect(reply_box).to_be_focused()
        header = page.locator(".rw-header")
        expect(header.locator(".helpline-header-nurse")).to_have_text(
            words.text("utter_widget_nurse_header", nurse=NURSE), timeout=LIVE
        )
        expect(header.get_by_text(SUBTITLE)).to_be_hidden()

        # The nurse types: the widget says so, until her reply comes.
        typing = page.locator(".helpline-dock [role=status]")
        reply_box.type("Hello, it's Beth")
        expect(typing).to_have_text(words.text("utter_widget_nurse_typing", nurse=NURSE), timeout=LIVE)
        check_accessibility(page, "a nurse in the chat, typing", found)
        reply_box.press("Enter")
        expect(person.messages.locator(".rw-response.helpline-nurse")).to_have_count(1, timeout=LIVE)
        expect(typing).to_have_text("")

        # The person types (without sending): the console shows it, and the message clears it.
        person_typing = console.locator("#person-typing")
        expect(person_typing).to_have_text("")
        page.locator(".rw-new-message").type("I have a question")
        expect(person_typing).to_have_text("The person is typing…", timeout=LIVE)
        keyboard.press("Enter")
        expect(console.locator("#transcript .msg-person").last).to_contain_text("I have a question", timeout=LIVE)
        expect(person_typing).to_have_text("")

        # She hands the chat back: the subtitle and both buttons come back.
        console.once("dialog", lambda dialog: dialog.accept())
        console.get_by_role("button", name="Hand back to bot").click()
        expect(header.locator(".helpline-header-nurse")).to_have_count(0, timeout=LIVE)
        expect(header.get_by_text(SUBTITLE)).to_be_visible()
        expect(bar.get_by_role("button")).to_have_text(["Talk to a nurse", "Urgent help"], timeout=LIVE)
        assert not Typing(nurse_side.service).person_typing(conversation)  # nobody to tell now: nothing written
        assert nurse.id and person.errors == []
    finally:
        nurse_context.close()
        person_context.close()
    assert_accessible(found)
