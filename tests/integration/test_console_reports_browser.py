"""The admins' reports in real headless Chromium, by keyboard, with axe-core finding nothing."""

from __future__ import annotations

from tests.integration.axe import assert_accessible, check_accessibility
from tests.integration.console_fixtures import PASSWORD, BrowserConsole, console_page, sign_in_as


def test_an_admin_reads_the_reports_and_downloads_them_as_csv(chromium, browser_console: BrowserConsole):
    from playwright.sync_api import expect

    service = browser_console.service
    nurse = browser_console.accounts.create("amy", "Amy Clarke", PASSWORD)
    browser_console.accounts.create("lead", "Lee Lead", PASSWORD, "admin")
    chat = service.request(
        "web-report-1", "socketio", "Asked to talk to a nurse", transcript=[("person", "hi")]
    ).handoff
    service.claim(chat.id, nurse.id)
    service.reply(chat.id, nurse.id, "Hello, I'm Amy.")
    service.close(chat.id, nurse.id, "Information and support given")
    service.request("web-report-2", "socketio", "Asked to talk to a nurse", priority="urgent", transcript=[])
    service.cancel_by_person("web-report-2")

    found: dict[str, str] = {}
    with console_page(chromium, browser_console.server.url) as page:
        sign_in_as(page, "lead")
        show = page.get_by_role("button", name="Show report")
        show.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#report-range")).to_contain_text("From ")
        tables = page.locator("#report-tables")
        load = tables.locator("table", has_text="Load per nurse")
        expect(load.locator("tbody tr").first).to_contain_text("Amy Clarke")
        expect(load.locator("tbody tr").first.locator("td").first).to_have_text("1")
        expect(tables.locator("table", has_text="Outcomes")).to_contain_text("Information and support given")
        abandonment = tables.locator("table", has_text="Abandonment and cancellations")
        expect(abandonment.locator("tbody tr")).to_contain_text("2")  # live chats requested
        check_accessibility(page, "the reports", found)

        csv_link = page.get_by_role("link", name="Download as CSV")
        expect(csv_link).to_be_visible()
        csv = page.request.get(f"{browser_console.server.url}{csv_link.get_attribute('href')}")
        assert csv.ok and "outcomes,outcome=Information and support given,count,1" in csv.text()
    assert_accessible(found)


def test_a_content_lead_exports_a_turn_not_understood_as_training_data(chromium, browser_console: BrowserConsole):
    import asyncio
    import datetime as dt
    import re
    import time
    from concurrent.futures import ThreadPoolExecutor
    from zoneinfo import ZoneInfo

    from playwright.sync_api import expect
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.rasa_runtime.tracker_store import RedactingSQLTrackerStore

    now = time.time()
    earlier = now - 3 * 24 * 3600  # a turn three days ago, to pick out by its day
    earlier_day = dt.datetime.fromtimestamp(earlier, ZoneInfo("Europe/London")).date().isoformat()

    def not_understood(text: str, at: float) -> list:
        parse = {"intent": {"name": "nlu_fallback", "confidence": 0.31}, "text": text, "entities": []}
        return [
            UserUttered(text, parse["intent"], parse_data=parse, input_channel="socketio", timestamp=at),
            ActionExecuted("action_clarify", timestamp=at + 1),
        ]

    db = str(browser_console.server.data_dir / "tracker.db")
    store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=db)
    for sender, events in (
        ("web-learn", not_understood("can i get the lump checked again", now - 60)),
        ("web-learn-earlier", not_understood("is the ache in my hip from it", earlier)),
    ):
        with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread
            pool.submit(asyncio.run, store.save(DialogueStateTracker.from_events(sender, events))).result()
    browser_console.accounts.create("lead2", "Lee Lead", PASSWORD, "admin")

    found: dict[str, str] = {}
    with console_page(chromium, browser_console.server.url) as page:
        sign_in_as(page, "lead2")
        page.get_by_label("Turns from").fill(earlier_day)  # the day of the earlier turn only
        page.get_by_label("Turns to").fill(earlier_day)
        page.get_by_role("button", name="Show turns to learn from").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#learning-count")).to_have_text(f"1 turn from {earlier_day} to {earlier_day}.")
        expect(page.locator("#learning-body tr")).to_have_text([re.compile("is the ache in my hip from it")])
        check_accessibility(page, "the turns of one day", found)
        page.get_by_label("Turns from").fill("")  # no dates: the last 30 days
        page.get_by_label("Turns to").fill("")
        page.get_by_role("button", name="Show turns to learn from").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#learning-count")).to_contain_text("2 turns from ")
        row = page.locator("#learning-body tr", has_text="can i get the lump checked again")
        expect(row).to_contain_text("Not understood; Asked what was meant")
        expect(row).to_contain_text("31%")
        check_accessibility(page, "the turns to learn from", found)
        page.get_by_label("Choose: can i get the lump checked again").focus()
        page.keyboard.press("Space")
        page.get_by_label("Intent for the chosen turns").focus()
        page.keyboard.type("ask_diag")
        expect(page.get_by_label("Intent for the chosen turns")).to_have_value("ask_diagnosis")
        page.get_by_role("button", name="Export as training data").focus()
        page.keyboard.press("Enter")
        output = page.get_by_label("Training data for data/nlu (review before committing)")
        expect(output).to_be_focused()
        expect(output).to_have_value(
            'version: "3.1"\n\nnlu:\n  - intent: ask_diagnosis\n    examples: |\n'
            "      - can i get the lump checked again\n"
        )
        check_accessibility(page, "the exported training data", found)
    assert_accessible(found)
