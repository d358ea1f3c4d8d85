"""The console as an agent's inbox in real headless Chromium, by keyboard: availability and urgent alerts, "My
conversations" told apart, the person's earlier conversations, and an admin releasing a stuck chat; axe-core in each
new state. The console runs on the real clock; the sweep's reminder runs here on a handoff clock set ahead."""

from __future__ import annotations

import datetime as dt

from bot.handoff.service import HandoffService
from bot.handoff.urgent_alerts import realert_unclaimed
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

REALERT = dt.timedelta(minutes=5)


def test_an_away_nurse_is_not_alerted_and_an_available_one_is_alerted_again_while_urgent_waits(
    chromium,
    browser_console: BrowserConsole,
):
    from playwright.sync_api import expect

    service = browser_console.service
    errors: list[str] = []
    found: dict[str, str] = {}
    with jo_and_sam(chromium, browser_console, errors) as (jo, sam):
        status = sam.get_by_role("button", name="My status: Available")
        expect(status).to_have_attribute("aria-pressed", "true")
        press(sam, status)
        away = sam.get_by_role("button", name="My status: Away")
        expect(away).to_have_attribute("aria-pressed", "false")
        expect(away).to_be_focused()
        expect(sam.locator("#announcer")).to_have_text("You are away: you will not be alerted to people waiting.")
        check_accessibility(sam, "a nurse set away", found)
        assert browser_console.accounts.team()[1].availability == "away"  # stored (Sam Patel sorts second)

        urgent = service.request(
            "web-" + "a" * 32, "socketio", "Red flag: new lump", priority="urgent", transcript=[("person", "lump")]
        ).handoff.id
        expect(jo.locator("#notice-text")).to_have_text(
            "Urgent: someone new is waiting: Red flag: new lump (Web chat)."
        )
        expect(jo.locator("#announcer")).to_contain_text("Urgent: someone new is waiting: Red flag: new lump")
        check_accessibility(jo, "an urgent arrival alerted", found)
        sam.locator(f'#queue button[data-id="{urgent}"]').wait_for(timeout=5000)  # Sam's queue has them too
        expect(sam.locator("#notice")).to_be_hidden()  # but Sam, away, is not alerted

        press(jo, jo.get_by_role("button", name="Dismiss"))
        expect(jo.locator("#notice")).to_be_hidden()
        later = dt.datetime.now(dt.timezone.utc) + REALERT + dt.timedelta(minutes=1)  # the sweep's clock, set ahead
        assert realert_unclaimed(HandoffService(service._sessions, lambda: later, service._wording), REALERT) == 1
        expect(jo.locator("#notice-text")).to_have_text(
            "Urgent, still waiting after 6 min: Red flag: new lump (Web chat)."
        )
        expect(jo.locator("#announcer")).to_have_text(
            "Urgent, still waiting after 6 min: Red flag: new lump (Web chat)."
        )
        check_accessibility(jo, "an urgent chat alerted again", found)
        expect(sam.locator("#notice")).to_be_hidden()

        press(sam, away)  # available again, and alerted from now on
        expect(sam.get_by_role("button", name="My status: Available")).to_be_focused()
        service.request("web-" + "b" * 32, "socketio", "Asked to talk to a nurse")
        expect(sam.locator("#notice-text")).to_have_text("Someone new is waiting: Asked to talk to a nurse (Web chat).")
        assert errors == []
        assert_accessible(found)


def test_my_conversations_show_last_message_live_wait_and_unread_and_the_banner_goes_once_claimed(
    chromium,
    browser_console: BrowserConsole,
):
    from playwright.sync_api import expect

    service, url = browser_console.service, browser_console.server.url
    browser_console.accounts.create("jo", "Jo Bloggs", PASSWORD)
    sam = browser_console.accounts.create("sam", "Sam Patel", PASSWORD)
    errors: list[str] = []
    found: dict[str, str] = {}
    with console_page(chromium, url, "jo", errors, page_clock=True) as page:
        scan, scan_person = waiting_person(service, "Asked about scan results")
        pain, _ = waiting_person(service, "Pain in my side")
        claim_by_keyboard(page, scan)
        claim_by_keyboard(page, pain)  # the second is open now
        entry = page.locator(f'#mine button[data-id="{scan}"]')
        other = page.locator(f'#mine button[data-id="{pain}"]')
        expect(entry).to_contain_text("waiting for you under a minute")
        expect(entry).to_contain_text("“I've found a lump near my scar”")

        service.person_says(scan_person, "Is anyone there? It has got worse.")
        expect(entry.locator(".badge.unread")).to_have_text("1 unread")
        expect(entry).to_contain_text("“Is anyone there? It has got worse.”")
        expect(other.locator(".badge.unread")).to_have_count(0)  # read as it was opened
        page.clock.fast_forward("02:05")  # the waits move on with no new data from the server
        expect(entry).to_contain_text("waiting for you 2 min")
        expect(other).to_contain_text("waiting for you 2 min")
        check_accessibility(page, "my conversations with an unread message", found)

        press(page, entry)
        expect(page.locator("#conversation-title")).to_have_text(f"Conversation {scan}")
        expect(entry.locator(".badge.unread")).to_have_count(0)  # seen
        page.get_by_label("Reply to the person").focus()
        page.keyboard.type("Sorry for the wait, I'm reading your messages now.")
        page.keyboard.press("Enter")
        expect(entry).to_contain_text("answered")
        expect(other).to_contain_text("waiting for you")

        # Someone new: the banner says so, and goes once a colleague has claimed them.
        newcomer, _ = waiting_person(service, "Worried about a rash")
        expect(page.locator("#notice-text")).to_have_text("Someone new is waiting: Worried about a rash (Web chat).")
        check_accessibility(page, "someone new is waiting", found)
        service.claim(newcomer, sam.id)
        expect(page.locator("#notice")).to_be_hidden()
        expect(page.locator(f'#queue button[data-id="{newcomer}"]')).to_have_count(0)
        assert errors == []
        assert_accessible(found)


def test_the_person_s_earlier_conversations_are_shown_with_outcomes_and_open_by_keyboard(
    chromium,
    browser_console: BrowserConsole,
):
    from playwright.sync_api import expect

    service, url = browser_console.service, browser_console.server.url
    jo = browser_console.accounts.create("jo", "Jo Bloggs", PASSWORD)
    person = "sms-" + "5" * 64  # the keyed hash of their number: the number itself is never stored in the clear
    before = service.request(person, "twilio", "Asked about scan results", transcript=[("person", "NURSE")]).handoff.id
    service.claim(before, jo.id)
    service.close(before, jo.id, "Call back arranged", "Rang her at 10am; results normal.")
    now = service.request(person, "twilio", "Pain in my side", transcript=[("person", "NURSE")]).handoff.id
    errors: list[str] = []
    found: dict[str, str] = {}
    with console_page(chromium, url, "jo", errors) as page:
        press(page, page.locator(f'#queue button[data-id="{now}"]'))
        summary = page.locator("#earlier summary")
        expect(summary).to_have_text("Earlier conversations with this person 1")
        press(page, summary)
        entry = page.locator(f'#earlier-list button[data-id="{before}"]')
        expect(entry).to_contain_text("Closed: Call back arranged")
        expect(entry).to_contain_text("Text message · with Jo Bloggs")
        expect(entry).to_contain_text("Closing note: Rang her at 10am; results normal.")
        check_accessibility(page, "a person's earlier conversations", found)

        press(page, entry)
        expect(page.locator("#conversation-title")).to_be_focused()
        expect(page.locator("#conversation-title")).to_have_text(f"Conversation {before}")
        expect(page.locator("#fact-state")).to_have_text("Closed: Call back arranged")
        expect(summary).to_have_text("Earlier conversations with this person 0")  # none before the first
        check_accessibility(page, "an earlier conversation open", found)
        assert errors == []
        assert_accessible(found)


def test_an_admin_finds_a_stuck_chat_and_puts_it_back_in_the_queue_by_keyboard(
    chromium,
    browser_console: BrowserConsole,
):
    from playwright.sync_api import expect

    service, url = browser_console.service, browser_console.server.url
    jo = browser_console.accounts.create("jo", "Jo Bloggs", PASSWORD)  # never signed in here: her chat is stuck
    browser_console.accounts.create("ann", "Ann Admin", PASSWORD, "admin")
    handoff, conversation = waiting_person(service, "Asked about scan results")
    service.claim(handoff, jo.id)
    errors: list[str] = []
    found: dict[str, str] = {}
    with console_page(chromium, url, "ann", errors) as page:
        page.on("dialog", lambda dialog: dialog.accept())  # "Put this conversation back in the queue…?"
        entry = page.locator(f'#claimed button[data-id="{handoff}"]')
        expect(entry).to_contain_text("Nurse not signed in")
        expect(entry).to_contain_text("Jo Bloggs · claimed")
        check_accessibility(page, "the chats nurses hold, one stuck", found)

        press(page, entry)
        expect(page.locator("#conversation-title")).to_be_focused()
        expect(page.locator("#fact-state")).to_have_text("Claimed by Jo Bloggs")
        expect(page.locator("#reply-form")).to_be_hidden()  # not hers to answer
        press(page, page.get_by_role("button", name="Put back in the queue"))
        expect(page.locator("#fact-state")).to_have_text("Waiting for a nurse")
        expect(page.locator("#queue-title")).to_be_focused()
        expect(page.locator(f'#queue button[data-id="{handoff}"]')).to_have_count(1)
        expect(entry).to_have_count(0)
        expect(page.locator("#claimed-empty")).to_be_visible()
        expect(page.locator("#transcript .msg-system").last).to_contain_text("Ann Admin")
        check_accessibility(page, "a stuck chat back in the queue", found)
        view, _ = service.detail(handoff)
        assert (view.state, view.claimed_by) == ("waiting", None)
        assert any("queue" in m.text for m in service.pending_for(conversation))  # the person is told their place
        assert errors == []
        assert_accessible(found)
