"""The nurse console in real headless Chromium: live queue, claim, reply, a lost claim, and closing."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.wording import Wording
from tests.integration.axe import assert_accessible, check_accessibility
from tests.integration.console_fixtures import PASSWORD, BrowserConsole, console_page, sign_in_as

# The README's screenshot is refreshed only when asked (HELPLINE_UPDATE_SCREENSHOT=1): a test run leaves the tree clean.
README_SCREENSHOT = PROJECT_ROOT / "docs" / "console.png"
CLAIM_LOST = "Another nurse has already claimed this conversation."


def test_a_nurse_takes_a_conversation_live_in_a_real_browser(chromium, browser_console: BrowserConsole, tmp_path):
    from playwright.sync_api import expect

    service, url = browser_console.service, browser_console.server.url
    browser_console.accounts.create("jo", "Jo Bloggs", PASSWORD)
    sam = browser_console.accounts.create("sam", "Sam Patel", PASSWORD)
    service.leave_message("sms-447700900123", "twilio", "Please ring me tomorrow about my scan results. Thank you.")

    page_errors: list[str] = []
    found: dict[str, str] = {}  # axe-core's violations (WCAG 2.1 A and AA) in each state reached
    with console_page(chromium, url, errors=page_errors) as page:
        sign_in = page.locator("#sign-in-form")
        expect(sign_in).to_be_visible()
        check_accessibility(page, "the sign-in page", found)
        sign_in_as(page, "jo")
        expect(page.locator("#signed-in-as")).to_have_text("Jo Bloggs (nurse)")
        expect(page.locator("#connection")).to_have_text("Live", timeout=5000)
        expect(page.locator("#queue-empty")).to_be_visible()
        expect(page.locator("#left-messages")).to_contain_text("Please ring me tomorrow")

        # A person asks for a nurse, from this process: it reaches the page through the events table only.
        conversation = f"web-{uuid.uuid4().hex}"
        handoff = service.request(
            conversation,
            channel="rest",
            reason="Asked to talk to a nurse",
            transcript=[
                ("person", "hi"),
                ("bot", "Hello, I'm the helpline assistant. I give information, not a diagnosis."),
                ("person", "I've found a small lump near my scar and I'm scared the cancer is back"),
                ("bot", "I'm sorry you're worried. I'll find you one of our nurses."),
            ],
        ).handoff.id
        entry = page.locator(f'#queue button[data-id="{handoff}"]')
        entry.wait_for(timeout=5000)
        expect(entry).to_contain_text("I've found a small lump near my scar")
        expect(page.locator("#notice-text")).to_contain_text("Someone new is waiting: Asked to talk to a nurse")
        expect(page.locator("#announcer")).to_contain_text("1 person waiting")
        expect(page).to_have_title("(1) waiting – Nurse console")
        check_accessibility(page, "the queue", found)

        # Keyboard only: open the conversation and claim it.
        entry.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#conversation-title")).to_be_focused()
        expect(page.locator("#transcript .msg-bot").first).to_contain_text("helpline assistant")
        page.get_by_role("button", name="Claim this conversation").focus()
        page.keyboard.press("Enter")
        reply_box = page.get_by_label("Reply to the person")
        expect(reply_box).to_be_focused()
        expect(page.locator("#fact-state")).to_have_text("You are looking after this")
        expect(page.locator("#transcript .msg-system")).to_contain_text("Jo Bloggs")
        expect(page).to_have_title("Nurse console")
        check_accessibility(page, "a conversation open", found)

        reply = "Hello, I'm Jo, one of the breast care nurses. When did you first notice the lump?"
        reply_box.fill(reply)
        reply_box.press("Enter")
        expect(page.locator("#transcript .msg-nurse").last).to_contain_text(reply)
        expect(reply_box).to_have_value("")
        _, messages = service.detail(handoff)
        assert ("nurse", reply) in [(m.author, m.text) for m in messages]
        assert ("nurse", reply) in [(m.author, m.text) for m in service.pending_for(conversation)]

        # The person answers: the message appears in the open transcript without a reload.
        service.person_says(conversation, "About a week ago. It doesn't hurt but it feels hard.")
        expect(page.locator("#transcript .msg-person .text").last).to_have_text(
            "About a week ago. It doesn't hurt but it feels hard.", timeout=5000
        )
        check_accessibility(page, "a conversation with the nurse's reply and the person's answer", found)

        # A saved reply, by keyboard: it goes into the box after what the nurse wrote, to edit before sending.
        reply_box.fill("Thank you.")
        page.get_by_label("Insert a saved reply").select_option(
            label="Safety-netting: NHS 111 or the acute oncology line"
        )
        page.get_by_role("button", name="Insert").focus()
        page.keyboard.press("Enter")
        expect(reply_box).to_be_focused()
        expect(reply_box).to_have_value("Thank you.\n\n" + Wording.from_domain().text("utter_safety_netting"))
        reply_box.fill("")

        # Another person waits, urgently, and their words look like HTML: they are shown as text.
        hostile = '<img src=x onerror="document.body.dataset.owned = 1">Help, I feel very unwell'
        urgent = service.request(
            f"web-{uuid.uuid4().hex}",
            channel="rest",
            reason="Urgent symptoms",
            priority="urgent",
            transcript=[("person", hostile)],
        ).handoff.id
        urgent_entry = page.locator(f'#queue button[data-id="{urgent}"]')
        urgent_entry.wait_for(timeout=5000)
        expect(urgent_entry).to_contain_text("Urgent")
        expect(urgent_entry).to_contain_text(hostile)
        expect(page.locator("#notice-text")).to_contain_text("Urgent: someone new is waiting")
        assert page.locator("img").count() == 0
        assert page.evaluate("document.body.dataset.owned") is None

        page.locator("#transcript").evaluate("node => { node.scrollTop = node.scrollHeight; }")
        update = os.environ.get("HELPLINE_UPDATE_SCREENSHOT") == "1"
        screenshot = README_SCREENSHOT if update else Path(tmp_path) / "console.png"
        page.screenshot(path=str(screenshot), full_page=True)
        assert screenshot.stat().st_size > 10_000  # a rendered page, not a blank one

        # Sam claims the urgent conversation just as Jo presses Claim: Jo is told plainly.
        def sam_claims_first(route) -> None:
            service.claim(urgent, sam.id)
            route.continue_()

        page.route(f"**/api/handoffs/{urgent}/claim", sam_claims_first)
        urgent_entry.click()
        page.get_by_role("button", name="Claim this conversation").click()
        expect(page.locator("#conversation-error")).to_have_text(CLAIM_LOST)
        expect(page.locator("#fact-state")).to_have_text("Claimed by Sam Patel")
        expect(page.locator("#claim-actions")).to_be_hidden()
        expect(page.locator("#reply-form")).to_be_hidden()

        # Back to Jo's own conversation, from "My conversations", and close it with an outcome.
        page.locator(f'#mine button[data-id="{handoff}"]').click()
        page.get_by_label("Outcome").select_option("Information and support given")
        page.get_by_role("button", name="Close conversation").click()
        expect(page.locator("#fact-state")).to_have_text("Closed: Information and support given")
        expect(page.locator("#mine-empty")).to_be_visible()
        view, _ = service.detail(handoff)
        assert view.state == "closed" and view.outcome == "Information and support given"
        check_accessibility(page, "a closed conversation", found)
        assert page_errors == []
        assert_accessible(found)


def test_a_nurse_replies_to_a_message_left_out_of_hours(chromium, browser_console: BrowserConsole):
    """The reply box is there for a left message; the reply goes out through the person's channel (here SMS)."""
    from playwright.sync_api import expect

    from bot.handoff.left_messages import LeftMessages

    service, url = browser_console.service, browser_console.server.url
    browser_console.accounts.create("jo", "Jo Bloggs", PASSWORD)
    conversation = f"sms-{uuid.uuid4().hex}"
    left = (
        LeftMessages(service)
        .leave(
            conversation,
            "twilio",
            context=[("person", "can i speak to a nurse"), ("bot", "Our nurses aren't available right now.")],
            written=[("person", "My scar has gone red and a bit lumpy. Should I be worried?")],
        )
        .handoff.id
    )

    page_errors: list[str] = []
    with console_page(chromium, url, errors=page_errors) as page:
        sign_in_as(page, "jo")
        entry = page.locator(f'#left-messages button[data-id="{left}"]')
        expect(entry).to_contain_text("My scar has gone red")
        expect(entry).not_to_contain_text("can i speak to a nurse")  # the message, not the chat before it
        expect(entry).to_contain_text("Text message")  # the channel in words, not "twilio"
        entry.click()
        expect(page.locator("#fact-state")).to_have_text("Message waiting: claim it to reply")
        expect(page.locator("#transcript .msg-context").first).to_contain_text("can i speak to a nurse")
        page.get_by_role("button", name="Claim this conversation").click()

        reply_box = page.get_by_label("Reply to their message (sent as a text)")
        expect(reply_box).to_be_focused()
        reply_box.fill("Hello, it's Jo. I'll ring you at 10am.")
        reply_box.press("Enter")
        expect(page.locator("#transcript .msg-nurse").last).to_contain_text("I'll ring you at 10am")
        pending = [(m.channel, m.author, m.text) for m in service.pending_for(conversation)]
        assert ("twilio", "nurse", "Hello, it's Jo. I'll ring you at 10am.") in pending  # out by text
        assert page_errors == []


def test_an_admin_sees_how_many_answers_are_overdue_for_review(chromium, browser_console: BrowserConsole):
    from playwright.sync_api import expect

    from bot.content.importer import import_content
    from bot.db import make_engine, make_session_factory

    engine = make_engine(browser_console.server.database_url)
    report = import_content(make_session_factory(engine), PROJECT_ROOT / "data" / "content")
    engine.dispose()
    browser_console.accounts.create("lead", "Lee Lead", PASSWORD, "admin")
    found: dict[str, str] = {}
    with console_page(chromium, browser_console.server.url) as page:
        sign_in_as(page, "lead")
        overdue = page.locator("#content-overdue")
        expect(overdue).to_contain_text(f"of {report.entries} answers are past their review date")
        rows = page.locator("#content-body tr")
        expect(rows).to_have_count(report.entries)
        expect(rows.first).to_contain_text("Overdue")  # the longest overdue first
        expect(rows.last).to_contain_text("In date")
        check_accessibility(page, "the admin panel with content reviews", found)

        # Pausing new chats: the admin writes what people will be told; every nurse sees the banner.
        page.get_by_label("Message for people who ask for a nurse while paused").fill(
            "Please leave us a message today."
        )
        page.get_by_role("button", name="Pause new chats").click()
        banner = page.locator("#paused-banner")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text('People are told: "Please leave us a message today."')
        check_accessibility(page, "new chats paused", found)
        page.get_by_role("button", name="Take new chats again").click()
        expect(banner).to_be_hidden()
        expect(page.locator("#pause-state")).to_have_text("New chats are open.")
        assert_accessible(found)


def test_a_nurse_changes_their_own_password_and_signs_in_with_it(chromium, browser_console: BrowserConsole):
    from playwright.sync_api import expect

    browser_console.accounts.create("jo", "Jo Bloggs", PASSWORD)
    found: dict[str, str] = {}
    with console_page(chromium, browser_console.server.url) as page:
        sign_in_as(page, "jo")
        expect(page.locator("#signed-in-as")).to_have_text("Jo Bloggs (nurse)")
        page.get_by_text("Change my password").click()
        page.get_by_label("Current password").fill("not the password")
        page.get_by_label("New password (at least 12 characters)").fill("a brand new long password")
        page.get_by_role("button", name="Change password and sign in again").click()
        expect(page.locator("#password-error")).to_have_text("The current password is not right.")
        check_accessibility(page, "changing one's password, with an error", found)
        page.get_by_label("Current password").fill(PASSWORD)
        page.get_by_role("button", name="Change password and sign in again").click()
        expect(page.locator("#sign-in-form")).to_be_visible()
        expect(page.locator("#sign-in-form")).to_contain_text("Your password has changed")
        sign_in_as(page, "jo", "a brand new long password")
        expect(page.locator("#signed-in-as")).to_have_text("Jo Bloggs (nurse)")
        assert_accessible(found)


def test_an_edit_to_the_hours_file_reaches_the_saved_reply_without_a_restart(chromium, browser_console: BrowserConsole):
    """The operations lead adds Sunday hours while a nurse is signed in: her next "hours" reply gives them."""
    from playwright.sync_api import expect

    service = browser_console.service
    nurse = browser_console.accounts.create("kim", "Kim Lee", PASSWORD)
    chat = service.request("web-hours-1", "socketio", "Asked to talk to a nurse", transcript=[("person", "hi")])
    service.claim(chat.handoff.id, nurse.id)
    original = browser_console.hours_file.read_text(encoding="utf-8")
    try:
        with console_page(chromium, browser_console.server.url, "kim") as page:
            page.locator(f'#mine button[data-id="{chat.handoff.id}"]').click()
            reply_box = page.locator("#reply-text")
            page.get_by_label("Insert a saved reply").select_option(label="Our opening hours and phone number")
            page.get_by_role("button", name="Insert").click()
            expect(reply_box).to_have_value(re.compile("Saturday 9am to 1pm, UK time"))

            sunday = '  saturday:  {opens: "09:00", closes: "13:00"}\n  sunday:    {opens: "10:00", closes: "12:00"}\n'
            edited = original.replace('  saturday:  {opens: "09:00", closes: "13:00"}\n', sunday)
            assert edited != original
            browser_console.hours_file.write_text(edited, encoding="utf-8")
            reply_box.fill("")
            page.get_by_role("button", name="Insert").click()
            expect(reply_box).to_have_value(re.compile("Saturday 9am to 1pm, Sunday 10am to 12pm, UK time"))
    finally:
        browser_console.hours_file.write_text(original, encoding="utf-8")
