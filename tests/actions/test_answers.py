"""action_answer_from_content: the right entry, its review line, and follow-ups."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswerFromContent
from tests.actions.conftest import entity, make_tracker


def run(tracker):
    dispatcher = CollectingDispatcher()
    events = ActionAnswerFromContent().run(dispatcher, tracker, {})
    return dispatcher.messages, events


def test_secondary_symptoms_answer_with_review_line(services):
    messages, events = run(make_tracker("ask_symptoms", [entity("recurrence_type", "secondary")]))
    assert [m["response"] for m in messages] == ["utter_content_answer"]
    message = messages[0]
    entry = services.content.entry("symptoms-secondary")
    assert message["answer"] == entry.web_answer and message["question"] == entry.question
    assert message["last_reviewed"] == entry.last_reviewed.strftime("%B %Y")
    # The caption names every document the entry restates, primary first, by its title in sources.yml.
    assert message["source"] == " and ".join(services.content.source_names(entry))
    assert (
        message["source"]
        == "a health information article on breast cancer recurrence and our page on breast cancer recurrence"
    )
    assert SlotSet("last_content_id", "symptoms-secondary") in events
    assert SlotSet("failed_turns", 0.0) in events


def test_an_entry_citing_the_2019_page_shows_its_2019_review(services):
    messages, events = run(make_tracker("ask_treatment", [entity("recurrence_type", "local")]))
    entry = services.content.entry("treatment-local")
    assert "000_793ba412d0dc8192.txt" in entry.documents
    assert messages[0]["last_reviewed"] == "May 2019"


def test_the_words_of_the_question_pick_the_entry_within_the_topic():
    _, events = run(
        make_tracker("ask_treatment", [entity("treatment", "radiotherapy")], text="can i have radiotherapy again")
    )
    assert SlotSet("last_content_id", "treatment-radiotherapy-again") in events


def test_a_follow_up_keeps_the_topic_and_changes_the_type():
    local = {"entity": "recurrence_type", "value": "local", "start": 17, "end": 22}
    tracker = make_tracker(
        "ask_recurrence_types",
        [local],
        text="and what about a local one?",
        slots={"last_content_id": "symptoms-secondary", "recurrence_type": "secondary"},
    )
    _, events = run(tracker)
    assert SlotSet("last_content_id", "symptoms-local") in events
    assert SlotSet("recurrence_type", "local") in events


def test_guilt_is_acknowledged_before_the_not_your_fault_answer():
    messages, events = run(make_tracker("ask_coping", text="is it my fault it came back?"))
    assert [m["response"] for m in messages] == ["utter_acknowledge_guilt", "utter_content_answer"]
    assert SlotSet("last_content_id", "coping-fault") in events


def test_secondary_and_local_treatment_differ():
    secondary, _ = run(make_tracker("ask_treatment", [entity("recurrence_type", "secondary")]))
    local, _ = run(make_tracker("ask_treatment", [entity("recurrence_type", "local")]))
    assert secondary[0]["answer"] != local[0]["answer"]
    assert "cannot be cured" in secondary[0]["answer"]
    assert secondary[0]["last_reviewed"] == "May 2019"  # source 000's own review


def test_follow_up_uses_the_type_already_in_the_conversation():
    _, events = run(make_tracker("ask_treatment", slots={"recurrence_type": "secondary"}))
    assert SlotSet("last_content_id", "treatment-secondary") in events
    assert not any(e.get("name") == "recurrence_type" for e in events)


def test_body_site_sets_the_type_for_later_follow_ups():
    _, events = run(make_tracker("ask_treatment", [entity("body_site", "scar")]))
    assert SlotSet("recurrence_type", "local") in events
    assert SlotSet("last_content_id", "treatment-local") in events


def test_type_named_now_beats_the_one_remembered():
    _, events = run(
        make_tracker("ask_prognosis", [entity("recurrence_type", "local")], slots={"recurrence_type": "secondary"})
    )
    assert SlotSet("recurrence_type", "local") in events
    assert SlotSet("last_content_id", "prognosis-local") in events


def test_withheld_overdue_content_offers_the_nurses(services, monkeypatch):
    monkeypatch.setattr(services.content, "_withhold_overdue", True)
    messages, events = run(make_tracker("ask_treatment", [entity("recurrence_type", "secondary")]))
    assert [m["response"] for m in messages] == ["utter_content_withheld", "utter_helpline_open_now"]
    assert not any(e.get("name") == "last_content_id" for e in events)


def test_non_topic_intent_gets_no_made_up_answer():
    messages, _ = run(make_tracker("greet"))
    assert [m["response"] for m in messages] == ["utter_clarify"]


def test_sms_answers_carry_the_full_text_for_more():
    messages, _ = run(make_tracker("ask_symptoms", [entity("recurrence_type", "secondary")], channel="twilio"))
    assert messages[0]["custom"]["sms_more"] == messages[0]["answer"]
    web, _ = run(make_tracker("ask_symptoms", [entity("recurrence_type", "secondary")]))
    assert not web[0].get("custom")
