"""The nurse's transcript never shows a payload as the person's words."""

from __future__ import annotations

from bot.transcripts import spoken_turns

CLARIFY = {
    "event": "bot",
    "text": "Sorry, I'm not sure I understood. Did you mean one of these?",
    "data": {
        "buttons": [
            {"title": "Symptoms of recurrence", "payload": '/ask_symptoms{"recurrence_type": "local"}'},
            {"title": "Talk to a nurse", "payload": "/request_nurse"},
        ]
    },
}


def test_a_button_payload_shows_as_the_buttons_title():
    events = [{"event": "user", "text": "lump thing"}, CLARIFY, {"event": "user", "text": "/request_nurse"}]
    assert spoken_turns(events)[-1] == ("person", "Talk to a nurse")
    events[-1] = {"event": "user", "text": '/ask_symptoms{"recurrence_type": "local"}'}
    assert spoken_turns(events)[-1] == ("person", "Symptoms of recurrence")


def test_a_payload_no_button_offered_is_an_event_line_and_typed_words_stay_as_typed():
    events = [
        {"event": "user", "text": "/greet"},
        {"event": "bot", "text": "Hello, I'm the helpline assistant."},
        {"event": "user", "text": "/request_nurse"},  # NURSE by SMS
        {"event": "user", "text": "I found a lump / a bump"},
        {"event": "action", "name": "action_listen"},
        {"event": "bot", "text": None},
    ]
    assert spoken_turns(events) == [
        ("person", "[greet]"),
        ("bot", "Hello, I'm the helpline assistant."),
        ("person", "[request_nurse]"),
        ("person", "I found a lump / a bump"),
    ]
