"""'Was this helpful?' and the rating after a nurse chat, in the real widget in headless Chromium: keyboard and axe."""

from __future__ import annotations

from sqlalchemy import select

from bot.db import make_engine, make_session_factory
from bot.feedback.models import Feedback
from tests.integration.axe import assert_accessible, check_accessibility
from tests.integration.stack import MONDAY_10AM
from tests.integration.widget_fixtures import ANSWER, LIVE, NurseSide, WidgetStack, widget_person


def stored(stack: WidgetStack, conversation_id: str) -> list[tuple]:
    engine = make_engine(stack.database_url)
    try:
        with make_session_factory(engine)() as session:
            rows = session.execute(
                select(Feedback).where(Feedback.conversation_id == conversation_id).order_by(Feedback.id)
            ).scalars()
            return [(r.kind, r.content_id, r.rating, r.comment) for r in rows]
    finally:
        engine.dispose()


def test_was_this_helpful_works_from_the_keyboard_is_accessible_and_adds_no_turn(
    chromium,
    widget_stack: WidgetStack,
):
    from playwright.sync_api import expect

    widget_stack.set_clock(MONDAY_10AM)
    with widget_person(chromium, widget_stack) as person:
        page, keyboard = person.page, person.page.keyboard
        found: dict[str, str] = {}
        person.open()
        person.say("what are the symptoms of secondary breast cancer")
        answer = person.messages.locator(".rw-response.helpline-answer--symptoms-secondary")
        expect(answer).to_have_count(1, timeout=ANSWER)
        expect(answer).to_contain_text("last reviewed")
        control = page.get_by_role("group", name="Was this helpful?")
        expect(control).to_have_count(1)
        check_accessibility(page, "asking whether an answer helped", found)

        control.get_by_role("button", name="No").focus()
        keyboard.press("Enter")
        missing = page.get_by_role("textbox", name="What was missing? (optional)")
        expect(missing).to_be_focused()
        expect(control).to_contain_text("Please do not include personal details")
        expect(missing).to_have_attribute("aria-describedby", (missing.get_attribute("aria-describedby") or "x"))
        check_accessibility(page, "what was missing", found)
        keyboard.type("What to do next. Ring me on 07700 900467")
        keyboard.press("Tab")
        expect(control.get_by_role("button", name="Send")).to_be_focused()
        keyboard.press("Space")
        expect(control.get_by_role("status")).to_have_text("Thank you for your feedback.")
        check_accessibility(page, "thanked for feedback", found)

        conversation = person.conversation_id()
        assert stored(widget_stack, conversation) == [
            ("helpful", "symptoms-secondary", 0, "What to do next. Ring me on [phone]")
        ]
        said = widget_stack.tracker_texts(conversation)
        assert not [text for text in said if "What to do next" in text or "feedback" in text.lower()]  # no turn

        page.reload()
        expect(person.messages.locator(".rw-response.helpline-answer")).to_have_count(1)
        expect(page.get_by_role("group", name="Was this helpful?")).to_have_count(0)  # answered: not asked again
        person.say("how can I reduce my risk of it coming back")
        later = person.messages.locator(".rw-response.helpline-answer").nth(1)
        expect(later).to_be_visible(timeout=ANSWER)
        entry = [c for c in (later.get_attribute("class") or "").split() if c.startswith("helpline-answer--")][0]
        again = later.locator("xpath=ancestor::div[contains(@class, 'rw-message')][1]/following-sibling::div[1]")
        expect(again).to_have_attribute("role", "group")
        again.get_by_role("button", name="Yes").click()
        expect(again.get_by_role("status")).to_have_text("Thank you for your feedback.")
        assert [row[1:3] for row in stored(widget_stack, conversation)] == [
            ("symptoms-secondary", 0),
            (entry[len("helpline-answer--") :], 1),
        ]
        assert person.errors == []
    assert_accessible(found)


def test_a_rating_is_asked_when_the_nurse_ends_the_chat(
    chromium,
    widget_stack: WidgetStack,
    nurse_side: NurseSide,
):
    from playwright.sync_api import expect

    widget_stack.set_clock(MONDAY_10AM)
    nurses = nurse_side.service
    with widget_person(chromium, widget_stack) as person:
        found: dict[str, str] = {}
        person.open()
        person.say("can I talk to a nurse please")
        expect(person.messages.locator(".rw-response").filter(has_text="in the queue")).to_have_count(1, timeout=ANSWER)
        handoff = nurses.open_handoff(person.conversation_id())
        assert handoff is not None
        nurses.claim(handoff.id, nurse_side.nurse_id)
        rating = person.page.get_by_role("group", name="How was your chat with the nurse?")
        expect(rating).to_have_count(0)  # not while the chat goes on
        nurses.close(handoff.id, nurse_side.nurse_id, "Information and support given")
        expect(rating).to_have_count(1, timeout=LIVE)
        expect(rating.get_by_role("button")).to_have_text(["1", "2", "3", "4", "5"])
        check_accessibility(person.page, "asking for a rating", found)
        rating.get_by_role("button", name="4 out of 5").focus()
        person.page.keyboard.press("Enter")
        expect(rating.get_by_role("status")).to_have_text("Thank you for your feedback.")
        assert stored(widget_stack, person.conversation_id()) == [("csat", None, 4, None)]
        assert person.errors == []
    assert_accessible(found)
