"""The console as a team's workspace in real headless Chromium, by keyboard: a transfer between two signed-in
nurses, an internal note and a closing note, and searching past conversations; axe-core in each new state."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import update

from bot.handoff.models import Handoff
from tests.integration.axe import assert_accessible, check_accessibility
from tests.integration.console_fixtures import (
    PASSWORD,
    BrowserConsole,
    claim_by_keyboard,
    console_page,
    jo_and_sam,
    press,
    waiting_person,
)

VIEWPORT = {"width": 1366, "height": 900}
TRANSFER_NOTE = "She would like a call back after 3pm; her daughter may answer."


def test_a_nurse_transfers_a_chat_to_a_signed_in_colleague_by_keyboard(chromium, browser_console: BrowserConsole):
    from playwright.sync_api import expect

    service = browser_console.service
    errors: list[str] = []
    found: dict[str, str] = {}
    with jo_and_sam(chromium, browser_console, errors) as (jo, sam):
        handoff, conversation = waiting_person(service)
        claim_by_keyboard(jo, handoff)

        # Jo chooses Sam (signed in), writes a note for her and transfers, all from the keyboard.
        choose = jo.get_by_label("Transfer to")
        choose.focus()  # the colleagues signed in now are fetched as the list gets the focus
        expect(choose.locator("option", has_text="Sam Patel")).to_have_count(1)
        expect(choose.locator("option")).to_have_text(["Back to the queue", "Sam Patel"])  # not Jo herself
        choose.select_option(label="Sam Patel")
        jo.keyboard.press("Tab")
        expect(jo.get_by_label("Note for whoever takes it")).to_be_focused()
        jo.keyboard.type(TRANSFER_NOTE)
        check_accessibility(jo, "a transfer about to be made", found)
        jo.keyboard.press("Tab")
        expect(jo.get_by_role("button", name="Transfer", exact=True)).to_be_focused()
        jo.keyboard.press("Enter")

        expect(jo.locator("#fact-state")).to_have_text("Claimed by Sam Patel")
        expect(jo.locator("#mine-empty")).to_be_visible()
        expect(jo.locator("#transfer-form")).to_be_hidden()
        expect(jo.locator("#reply-form")).to_be_hidden()
        expect(jo.locator("#queue-title")).to_be_focused()
        expect(jo.locator("#transcript .msg-system")).to_contain_text(["Passed to Sam Patel by Jo Bloggs."])

        # Sam's console shows it at once, in "My conversations", with a notice; the note is there, marked as internal.
        mine = sam.locator(f'#mine button[data-id="{handoff}"]')
        mine.wait_for(timeout=5000)
        expect(sam.locator("#notice-text")).to_contain_text(
            "A conversation was passed to you: Asked to talk to a nurse"
        )
        check_accessibility(sam, "a conversation passed to this nurse", found)
        press(sam, mine)
        expect(sam.locator("#fact-state")).to_have_text("You are looking after this")
        note = sam.locator("#transcript .msg-note")
        expect(note).to_have_count(1)
        expect(note).to_contain_text("Internal note by Jo Bloggs")
        expect(note).to_contain_text(TRANSFER_NOTE)
        reply_box = sam.get_by_label("Reply to the person")
        reply_box.focus()
        sam.keyboard.type("Hello, I'm Sam. Jo has passed your chat to me.")
        sam.keyboard.press("Enter")
        expect(sam.locator("#transcript .msg-nurse").last).to_contain_text("Jo has passed your chat to me")
        check_accessibility(sam, "a passed conversation, answered", found)

        told = [m.text for m in service.pending_for(conversation)]
        assert "Sam Patel, one of our specialist nurses, has joined the chat." in told
        assert "Hello, I'm Sam. Jo has passed your chat to me." in told
        assert all(TRANSFER_NOTE not in text for text in told)  # the note never goes to the person
        assert errors == []
        assert_accessible(found)


def test_an_internal_note_and_a_closing_note_by_keyboard(chromium, browser_console: BrowserConsole):
    from playwright.sync_api import expect

    service, url = browser_console.service, browser_console.server.url
    browser_console.accounts.create("jo", "Jo Bloggs", PASSWORD)
    errors: list[str] = []
    found: dict[str, str] = {}
    with console_page(chromium, url, "jo", errors) as page:
        handoff, conversation = waiting_person(service)
        claim_by_keyboard(page, handoff)

        box = page.get_by_label("Internal note for nurses (never sent to the person)")
        box.focus()
        page.keyboard.type("Sounds very anxious; offer a call back tomorrow.")
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Add internal note")).to_be_focused()
        page.keyboard.press("Enter")
        note = page.locator("#transcript .msg-note")
        expect(note).to_have_count(1)
        expect(note.locator(".who")).to_contain_text("Internal note by Jo Bloggs")
        expect(note.locator(".text")).to_have_text("Sounds very anxious; offer a call back tomorrow.")
        expect(box).to_have_value("")
        expect(box).to_be_focused()
        check_accessibility(page, "an internal note in the conversation", found)
        assert all("anxious" not in m.text for m in service.pending_for(conversation))  # never sent
        assert all("anxious" not in m.text for m in service.detail(handoff)[1])  # not in the transcript

        # Close with an outcome from the server's list and a closing note, kept apart from it.
        outcome = page.get_by_label("Outcome")
        outcome.focus()
        outcome.select_option("Call back arranged")
        page.keyboard.press("Tab")
        expect(page.get_by_label("Closing note (optional)")).to_be_focused()
        page.keyboard.type("Ringing her at 10am tomorrow.")
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Close conversation")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#fact-state")).to_have_text("Closed: Call back arranged")
        expect(page.locator("#fact-closing-note")).to_have_text("Ringing her at 10am tomorrow.")
        expect(page.locator("#transcript .msg-note")).to_have_count(1)  # still shown to nurses after closing
        view, _ = service.detail(handoff)
        assert (view.outcome, view.closing_note) == ("Call back arranged", "Ringing her at 10am tomorrow.")
        check_accessibility(page, "a closed conversation with its closing note", found)
        assert errors == []
        assert_accessible(found)


def test_a_nurse_searches_past_conversations_and_opens_one_by_keyboard(chromium, browser_console: BrowserConsole):
    from playwright.sync_api import expect

    service, url = browser_console.service, browser_console.server.url
    jo = browser_console.accounts.create("jo", "Jo Bloggs", PASSWORD)
    sam = browser_console.accounts.create("sam", "Sam Patel", PASSWORD)

    def ended(nurse_id: int, channel: str, when: dt.datetime, outcome: str, note: str = "") -> int:
        handoff = service.request(
            f"c-{uuid.uuid4().hex}", channel, "Asked about scan results", transcript=[("person", f"hello {when}")]
        ).handoff.id
        service.claim(handoff, nurse_id)
        service.close(handoff, nurse_id, outcome, note or None)
        with service._sessions() as session, session.begin():  # the server's clock is real: place the end in time
            session.execute(update(Handoff).where(Handoff.id == handoff).values(ended_at=when))
        return handoff

    day = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone.utc)
    wanted = ended(jo.id, "twilio", day, "Call back arranged", "Ringing her at 10am.")
    ended(sam.id, "twilio", day, "Call back arranged")  # another nurse
    ended(jo.id, "socketio", day, "Call back arranged")  # another channel
    ended(jo.id, "twilio", day, "Information and support given")  # another outcome
    ended(jo.id, "twilio", day - dt.timedelta(days=2), "Call back arranged")  # another day
    busy = day + dt.timedelta(days=3)
    for minute in range(21):
        ended(sam.id, "rest", busy + dt.timedelta(minutes=minute), "Other", "x")

    errors: list[str] = []
    found: dict[str, str] = {}
    with console_page(chromium, url, "jo", errors) as page:
        status = page.locator("#history-status")
        expect(status).to_have_text("26 found. Page 1 of 2.")  # everything that has ended, the latest first
        page.get_by_label("Ended from").fill("2026-11-20")
        page.get_by_label("Ended by").fill("2026-11-20")
        page.get_by_label("How it ended").select_option("Call back arranged")
        page.get_by_label("Looked after by").select_option(label="Jo Bloggs")
        page.get_by_label("Channel").select_option(label="Text message")
        press(page, page.get_by_role("button", name="Search", exact=True))
        expect(status).to_have_text("1 found. Page 1 of 1.")
        results = page.locator("#history-results button")
        expect(results).to_have_count(1)
        expect(results.first).to_contain_text("Closed: Call back arranged")
        expect(results.first).to_contain_text("Closing note: Ringing her at 10am.")
        expect(results.first).to_contain_text("Text message")
        check_accessibility(page, "past conversations found", found)

        press(page, results.first)  # opened in the conversation panel, with the same transcript as any other
        expect(page.locator("#conversation-title")).to_be_focused()
        expect(page.locator("#conversation-title")).to_have_text(f"Conversation {wanted}")
        expect(page.locator("#fact-state")).to_have_text("Closed: Call back arranged")
        expect(page.locator("#fact-closing-note")).to_have_text("Ringing her at 10am.")
        expect(page.locator("#transcript .msg-person")).to_contain_text(["hello 2026-11-20 10:00:00+00:00"])
        expect(page.locator("#claim-actions")).to_be_hidden()
        expect(page.locator("#reply-form")).to_be_hidden()
        check_accessibility(page, "a past conversation open", found)

        # A busy day: two pages, turned with the keyboard.
        page.get_by_label("Ended from").fill("2026-11-23")
        page.get_by_label("Ended by").fill("2026-11-23")
        page.get_by_label("How it ended").select_option("")
        page.get_by_label("Looked after by").select_option("")
        page.get_by_label("Channel").select_option("")
        press(page, page.get_by_role("button", name="Search", exact=True))
        expect(status).to_have_text("21 found. Page 1 of 2.")
        expect(page.locator("#history-previous")).to_be_disabled()
        press(page, page.get_by_role("button", name="Next page"))
        expect(status).to_have_text("21 found. Page 2 of 2.")
        expect(results).to_have_count(1)
        expect(page.locator("#history-next")).to_be_disabled()
        expect(page.locator("#history-title")).to_be_focused()  # the button pressed can go no further
        check_accessibility(page, "the last page of past conversations", found)
        assert errors == []
        assert_accessible(found)
