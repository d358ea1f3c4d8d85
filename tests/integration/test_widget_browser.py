"""The website chat widget (the installed rasa-webchat bundle) in real headless Chromium, against the real servers."""

from __future__ import annotations

import os

from bot.channels.webchat.messages import NURSE_CSS_CLASS
from bot.channels.webchat.pages import SAFETY_NOTICE
from bot.config import PROJECT_ROOT
from tests.integration.axe import assert_accessible, axe_violations, check_accessibility
from tests.integration.stack import MONDAY_10AM
from tests.integration.widget_fixtures import (
    ANSWER,
    LIVE,
    VIEWPORT,
    NurseSide,
    Website,
    WidgetPage,
    WidgetStack,
    greeted,
    responses,
    widget_person,
)
from tests.support.waiting import wait_until

# The README's screenshot is refreshed only when asked (HELPLINE_UPDATE_SCREENSHOT=1): a test run leaves the tree clean.
README_SCREENSHOT = PROJECT_ROOT / "docs" / "widget.png"


def test_a_question_is_answered_and_a_reload_keeps_the_conversation(chromium, widget_stack: WidgetStack):
    from playwright.sync_api import expect

    with widget_person(chromium, widget_stack) as person:
        person.open()
        expect(person.page.locator("#safety-notice")).to_have_text(SAFETY_NOTICE)
        expect(person.page.locator("#safety-notice")).to_be_visible()
        expect(person.page.locator(".rw-title")).to_have_text("Nurse helpline assistant")
        expect(responses(person, "not a diagnosis")).to_have_count(1, timeout=ANSWER)  # the assistant's notice

        person.say("what are the symptoms of secondary breast cancer")
        expect(responses(person, "bones")).to_have_count(1, timeout=ANSWER)
        expect(responses(person, "last reviewed")).to_have_count(1)
        token, conversation = person.token(), person.conversation_id()
        assert token != conversation and conversation.startswith("web-")

        person.page.reload()  # straight after the answer (test_widget_delivery_browser: it is not sent again)
        expect(person.page.locator(".rw-conversation-container")).to_be_visible()
        expect(responses(person, "bones")).to_have_count(1)  # the same conversation, shown again
        person.say("and what about the treatment for that?")
        expect(responses(person, "cannot be cured")).to_have_count(1, timeout=ANSWER)  # it remembered "secondary"
        expect(responses(person, "last reviewed")).to_have_count(2)
        assert person.token() == token

        said = widget_stack.tracker_texts(conversation)
        assert "what are the symptoms of secondary breast cancer" in said
        assert "and what about the treatment for that?" in said
        assert person.outside_requests() == []  # the widget, its fonts and the socket all come from our server
        assert person.errors == []


def test_a_nurse_reply_appears_live_and_marked_as_the_nurses(
    chromium,
    widget_stack: WidgetStack,
    nurse_side: NurseSide,
):
    from playwright.sync_api import expect

    widget_stack.set_clock(MONDAY_10AM)
    nurses = nurse_side.service
    with widget_person(chromium, widget_stack) as person:
        person.open()
        person.say("what are the symptoms of secondary breast cancer")
        expect(responses(person, "last reviewed")).to_have_count(1, timeout=ANSWER)
        person.say("can I talk to a nurse please")
        expect(responses(person, "in the queue")).to_have_count(1, timeout=ANSWER)

        handoff = nurses.open_handoff(person.conversation_id())
        assert handoff is not None and handoff.channel == "socketio"
        nurses.claim(handoff.id, nurse_side.nurse_id)
        reply = "Hello, I'm Amy, one of the breast care nurses. What would you like to talk about?"
        nurses.reply(handoff.id, nurse_side.nurse_id, reply)

        from_nurse = person.messages.locator(f".rw-response.{NURSE_CSS_CLASS}")
        expect(from_nurse).to_have_text(f"Nurse Amy (nurse): {reply}", timeout=LIVE)  # no reload
        joined = responses(person, "Nurse Amy, one of our specialist nurses, has joined the chat.")
        expect(joined).to_have_count(1)
        assert NURSE_CSS_CLASS not in (joined.get_attribute("class") or "")  # a notice, from the assistant

        person.say("I found a small lump near my scar last week")
        wait_until(
            lambda: nurses.detail(handoff.id)[1][-1].text == "I found a small lump near my scar last week",
            "the person's message reaches the nurse",
        )
        expect(responses(person, "lump near my scar")).to_have_count(0)  # the assistant did not answer it
        person.messages.evaluate("node => { node.scrollTop = node.scrollHeight; }")
        if os.environ.get("HELPLINE_UPDATE_SCREENSHOT") == "1":
            person.page.screenshot(path=str(README_SCREENSHOT))
        else:
            person.page.screenshot()  # still drawn, so a page that cannot be drawn fails here

        hostile = (
            "See [this page](javascript:document.body.dataset.owned=1), "
            '<img src=x onerror="document.body.dataset.owned=1"> and <javascript:document.body.dataset.owned=1>'
            " or <javascript://%0Adocument.body.dataset.owned=1> & <vbscript://x> &lt;data://x>"  # issue 13, L1
        )
        nurses.reply(handoff.id, nurse_side.nurse_id, hostile)
        expect(from_nurse).to_have_count(2, timeout=LIVE)
        expect(from_nurse.last).to_have_text(f"Nurse Amy (nurse): {hostile}")  # shown as typed
        assert person.messages.locator("a").count() == 0 and person.messages.locator("img").count() == 0
        assert person.page.evaluate("document.body.dataset.owned") is None

        nurses.hand_back(handoff.id, nurse_side.nurse_id)
        expect(responses(person, "handed you back")).to_have_count(1, timeout=LIVE)
        person.say("what is recurrence")
        expect(responses(person, "last reviewed")).to_have_count(2, timeout=ANSWER)  # the assistant answers again
        assert nurses.pending_for(person.conversation_id()) == []
        assert person.outside_requests() == [] and person.errors == []


def test_a_forged_session_id_gets_a_new_empty_conversation(
    chromium,
    widget_stack: WidgetStack,
    nurse_side: NurseSide,
):
    from playwright.sync_api import expect

    widget_stack.set_clock(MONDAY_10AM)
    nurses = nurse_side.service
    victim_context = chromium.new_context(viewport=VIEWPORT)
    attacker_context = chromium.new_context(viewport=VIEWPORT)
    victim = WidgetPage(victim_context, widget_stack)
    try:
        victim.open()
        victim.say("what are the symptoms of local recurrence")
        expect(responses(victim, "last reviewed")).to_have_count(1, timeout=ANSWER)
        victim.say("can I talk to a nurse please")
        expect(responses(victim, "in the queue")).to_have_count(1, timeout=ANSWER)
        victim_id, victim_token = victim.conversation_id(), victim.token()
        victim.page.close()  # the victim goes away; the nurse's reply waits for them
        wait_until(lambda: nurses.open_handoff(victim_id).away_since is not None, "the server saw the tab close")

        handoff = nurses.open_handoff(victim_id)
        assert handoff is not None
        nurses.claim(handoff.id, nurse_side.nurse_id)
        private = "This reply is for the first person only."
        nurses.reply(handoff.id, nurse_side.nurse_id, private)
        # Nobody is connected, so it waits (the pusher sends only to a socket that is there); that it
        # is still waiting once the attacker has been and gone is checked below.
        assert private in [m.text for m in nurses.pending_for(victim_id)]

        # The attacker's widget presents the victim's conversation id, as if it were theirs.
        attacker = WidgetPage(attacker_context, widget_stack)
        attacker.open()
        expect(responses(attacker, "not a diagnosis")).to_have_count(1, timeout=ANSWER)
        own = attacker.conversation_id()
        attacker.forge_session(victim_id)
        expect(attacker.page.locator(".rw-conversation-container")).to_be_visible()
        wait_until(lambda: attacker.token() != victim_id, "the server answers the forged id with a new token")
        answers_before = attacker.messages.locator(".rw-response").count()
        attacker.say("hello, attacker here")
        expect(attacker.messages.locator(".rw-client")).to_have_count(1)
        wait_until(
            lambda: "hello, attacker here" in widget_stack.tracker_texts(attacker.conversation_id()),
            "the attacker's message reaches their own conversation",
        )
        # The answer to it comes on the same socket after anything the forged session was handed: once
        # it is shown, all of that is shown too.
        wait_until(
            lambda: attacker.messages.locator(".rw-response").count() > answers_before,
            "the answer to the attacker's message",
        )

        assert any("session_request" in sent and victim_id in sent for sent in attacker.sent)  # it did present it
        assert attacker.conversation_id() not in (victim_id, own) and attacker.token() != victim_token
        shown = attacker.messages.inner_text()
        for secret in (private, "local recurrence", "in the queue", "has joined the chat"):
            assert secret not in shown
        assert "attacker here" not in " ".join(widget_stack.tracker_texts(victim_id))
        assert "attacker here" not in " ".join(m.text for m in nurses.detail(handoff.id)[1])
        assert private in [m.text for m in nurses.pending_for(victim_id)]  # still waiting for the victim

        # The victim comes back: the reply written while they were away arrives.
        victim = WidgetPage(victim_context, widget_stack)
        victim.page.goto(widget_stack.demo_url)
        expect(victim.page.locator(".rw-conversation-container")).to_be_visible()
        expect(victim.messages.locator(f".rw-response.{NURSE_CSS_CLASS}")).to_have_text(
            f"Nurse Amy (nurse): {private}", timeout=LIVE
        )
        assert victim.token() == victim_token
        nurses.close(handoff.id, nurse_side.nurse_id, "Information and support given")
        assert attacker.errors == [] and victim.errors == []
    finally:
        attacker_context.close()
        victim_context.close()


def test_clarification_buttons_render_and_work(chromium, widget_stack: WidgetStack):
    from playwright.sync_api import expect

    with widget_person(chromium, widget_stack) as person:
        person.open()
        expect(responses(person, "not a diagnosis")).to_have_count(1, timeout=ANSWER)
        # The fallback intent itself: what a retrained classifier makes of one made-up phrase varies,
        # and this test is about the buttons (the clarifying path is in tests/test_stories.yml).
        person.say("/nlu_fallback")
        expect(responses(person, "Sorry, I'm not sure I understood")).to_have_count(1, timeout=ANSWER)
        buttons = person.messages.locator(".rw-replies").last.locator(".rw-reply")
        expect(buttons.first).to_be_visible()
        titles = buttons.all_inner_texts()
        assert titles[-2:] == ["Something else", "Talk to a nurse"] and 1 <= len(titles[:-2]) <= 3, titles
        assert all(titles), titles
        buttons.first.click()
        expect(person.messages.locator(".rw-client").last).to_have_text(titles[0])
        expect(responses(person, "last reviewed")).to_have_count(1, timeout=ANSWER)
        assert person.errors == []


def test_the_widget_works_on_the_listed_website_only(
    chromium,
    widget_stack: WidgetStack,
    websites: tuple[Website, Website],
):
    """Embedded in the charity's own site (another origin), with `--cors "*"` as `make run` starts Rasa."""
    from playwright.sync_api import expect

    listed, unlisted = websites
    with widget_person(chromium, widget_stack) as person:
        person.page.goto(listed.url)
        launcher = person.page.get_by_role("button", name="Open the chat")  # named by accessible.js, as embedded
        launcher.click()
        expect(responses(person, "not a diagnosis")).to_have_count(1, timeout=ANSWER)
        person.say("what is recurrence")
        expect(responses(person, "last reviewed")).to_have_count(1, timeout=ANSWER)
        assert axe_violations(person.page) == []  # the embedding site gets the accessibility layer too

        tried: list[str] = []
        other = person.context.new_page()
        other.on("request", lambda request: tried.append(request.url) if "/socket.io/" in request.url else None)
        other.goto(unlisted.url)
        wait_until(lambda: tried, "the widget on the unlisted website tries to connect")
        refusal = f"{unlisted.url.rstrip('/')} is not an accepted origin"
        wait_until(lambda: refusal in (widget_stack.data_dir / "rasa.log").read_text(), "the socket refuses it")
        expect(other.locator(".rw-launcher")).to_have_count(0)  # not connected: the widget stays hidden
        assert person.errors == []


def test_the_widget_has_no_accessibility_violations_in_any_state(
    chromium,
    widget_stack: WidgetStack,
    nurse_side: NurseSide,
):
    """axe-core, WCAG 2.1 A and AA: closed, the greeting, an answer with buttons, and a chat with a nurse."""
    from playwright.sync_api import expect

    widget_stack.set_clock(MONDAY_10AM)
    nurses = nurse_side.service
    with widget_person(chromium, widget_stack) as person:
        found: dict[str, str] = {}
        person.page.goto(widget_stack.demo_url)
        expect(person.page.locator(".rw-launcher")).to_be_visible()  # connected, closed
        expect(person.page.locator(".rw-conversation-container")).to_have_count(0)
        check_accessibility(person.page, "closed", found)

        person.open()
        greeted(person)
        check_accessibility(person.page, "the greeting", found)

        person.say("/nlu_fallback")
        expect(responses(person, "Sorry, I'm not sure I understood")).to_have_count(1, timeout=ANSWER)
        expect(person.messages.locator(".rw-replies .rw-reply").last).to_be_visible()
        check_accessibility(person.page, "an answer with buttons", found)

        person.say("can I talk to a nurse please")
        expect(responses(person, "in the queue")).to_have_count(1, timeout=ANSWER)
        handoff = nurses.open_handoff(person.conversation_id())
        assert handoff is not None
        nurses.claim(handoff.id, nurse_side.nurse_id)
        nurses.reply(handoff.id, nurse_side.nurse_id, "Hello, I'm Amy, one of the breast care nurses.")
        expect(person.messages.locator(f".rw-response.{NURSE_CSS_CLASS}")).to_have_count(1, timeout=LIVE)
        check_accessibility(person.page, "a chat with a nurse", found)
        nurses.close(handoff.id, nurse_side.nurse_id, "Information and support given")
        assert person.errors == []
    assert_accessible(found)


def test_the_quick_replies_work_from_the_keyboard_alone(chromium, widget_stack: WidgetStack):
    from playwright.sync_api import expect

    with widget_person(chromium, widget_stack) as person:
        keyboard = person.page.keyboard
        box = person.page.get_by_role("textbox", name="Your message")
        person.open()
        greeted(person)
        for turn, key in enumerate(("Enter", "Space"), start=1):
            person.say("/nlu_fallback")
            expect(responses(person, "Sorry, I'm not sure I understood")).to_have_count(turn, timeout=ANSWER)
            chips = person.messages.locator(".rw-replies").last.get_by_role("button")
            expect(chips.last).to_have_text("Talk to a nurse")
            titles = chips.all_inner_texts()
            assert titles[-2:] == ["Something else", "Talk to a nurse"] and len(titles) >= 3, titles
            expect(box).to_be_focused()  # where the widget leaves the focus after sending

            bar = ["Urgent help", "Talk to a nurse"]  # the help bar, between the messages and the text box
            focused = []  # backwards from the text box: the help bar, then the chips, last to first
            for _ in bar + titles:
                keyboard.press("Shift+Tab")
                focused.append(person.page.evaluate("document.activeElement.textContent"))
            assert focused == bar + titles[::-1]
            expect(chips.first).to_be_focused()
            keyboard.press(key)

            expect(person.messages.locator(".rw-client").last).to_have_text(titles[0])  # the person's choice
            expect(responses(person, "last reviewed")).to_have_count(turn, timeout=ANSWER)  # and its answer
            expect(box).to_be_focused()  # the chips are gone: the focus is back in the text box, not lost
        assert person.errors == []


def test_a_long_answer_opens_at_its_start(chromium, widget_stack: WidgetStack):
    from playwright.sync_api import expect

    short = {"width": 1280, "height": 600}  # messages: 300 px high
    with widget_person(chromium, widget_stack, viewport=short) as person:
        person.open()
        greeted(person)
        person.say("what are the symptoms of secondary breast cancer")
        expect(responses(person, "last reviewed")).to_have_count(1, timeout=ANSWER)  # the reply's last message
        reply = person.messages.locator(".rw-group-message.rw-from-response").last
        expect(reply.locator(".rw-response").first).to_contain_text("bones")
        where = reply.evaluate(
            """reply => {
              const box = reply.closest(".rw-messages-container");
              const shown = box.getBoundingClientRect();
              const start = reply.querySelector(".rw-response").getBoundingClientRect();
              return {height: reply.getBoundingClientRect().height, visible: box.clientHeight,
                      top: start.top - shown.top - box.clientTop};
            }"""
        )
        assert where["height"] > where["visible"], where  # a long reply: it cannot be seen whole
        assert 0 <= where["top"] < where["visible"] / 2, where  # its start is in view, near the top
        assert person.errors == []
