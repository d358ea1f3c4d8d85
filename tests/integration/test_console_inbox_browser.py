"""The console as an agent's inbox in real headless Chromium, by keyboard: availability and urgent alerts, "My
conversations" told apart, the person's earlier conversations, and an admin releasing a stuck chat; axe-core in each
new state. The console runs on the real clock; the sweep's reminder runs here on a handoff clock set ahead."""

from __future__ import annotations

import datetime as dt

from bot.handoff.service import HandoffService
from bot.handoff.urgent_alerts import realert_unclaimed
from tests.integration.axe import assert_accessible, check_accessibility
from tests.integration.console_fixtures import (  # noqa: F401 (fixtures)
    PASSWORD,
    BrowserConsole,
    browser_console,
    chromium,
)
from tests.integration.test_console_workspace_browser import open_page, press

REALERT = dt.timedelta(minutes=5)


def test_an_away_nurse_is_not_alerted_and_an_available_one_is_alerted_again_while_urgent_waits(
    chromium,  # noqa: F811 (fixture)
    browser_console: BrowserConsole,  # noqa: F811 (fixture)
):
    from playwright.sync_api import expect

    service, url = browser_console.service, browser_console.server.url
    browser_console.accounts.create("jo", "Jo Bloggs", PASSWORD)
    browser_console.accounts.create("sam", "Sam Patel", PASSWORD)
    errors: list[str] = []
    found: dict[str, str] = {}
    jo_context, jo = open_page(chromium, url, "jo", errors)
    sam_context, sam = open_page(chromium, url, "sam", errors)
    try:
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
    finally:
        jo_context.close()
        sam_context.close()
