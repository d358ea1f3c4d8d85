"""Session start notice, opening hours and the nurse request."""

from __future__ import annotations

from rasa_sdk.events import ActionExecuted, SessionStarted
from rasa_sdk.executor import CollectingDispatcher

from actions.session import ActionOpeningHours, ActionSessionStart
from tests.actions.conftest import SATURDAY_2PM, make_tracker


def test_session_starts_with_the_disclaimer_and_no_carried_slots():
    dispatcher = CollectingDispatcher()
    events = ActionSessionStart().run(dispatcher, make_tracker("greet", slots={"recurrence_type": "local"}), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_disclaimer"]
    assert events == [SessionStarted(), ActionExecuted("action_listen")]


def test_opening_hours_when_open():
    dispatcher = CollectingDispatcher()
    ActionOpeningHours().run(dispatcher, make_tracker("ask_opening_hours"), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_helpline_open_now"
    assert message["closes"] == "4pm"
    assert message["phone"] == "0808 800 6000"
    assert message["weekly_hours"] == "Monday to Friday 9am to 4pm, Saturday 9am to 1pm"


def test_opening_hours_when_closed(clock):
    clock.now = SATURDAY_2PM
    dispatcher = CollectingDispatcher()
    ActionOpeningHours().run(dispatcher, make_tracker("ask_opening_hours"), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_helpline_closed_weekday"
    assert (message["weekday"], message["time"]) == ("Monday", "9am")
