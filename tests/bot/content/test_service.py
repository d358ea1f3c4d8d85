"""Choosing the entry: intent plus entities, follow-ups via body sites, overdue content."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.content.service import Answer, ContentService, topic_for_intent


@pytest.mark.parametrize(
    "topic, qualifiers, expected_id",
    [
        ("symptoms", {"recurrence_type": "secondary"}, "symptoms-secondary"),
        ("symptoms", {}, "symptoms-general"),
        ("treatment", {"recurrence_type": "secondary"}, "treatment-secondary"),
        ("treatment", {"recurrence_type": "local"}, "treatment-local"),
        ("treatment", {"recurrence_type": "regional"}, "treatment-regional"),
        ("treatment", {"treatment": "chemotherapy"}, "treatment-chemotherapy"),
        ("treatment", {"recurrence_type": "local", "treatment": "surgery"}, "treatment-local-surgery"),
        ("treatment", {"recurrence_type": "local", "treatment": "chemotherapy"}, "treatment-local-chemotherapy"),
        ("treatment", {"body_site": "scar"}, "treatment-local"),
        ("treatment", {"body_site": "chest_wall"}, "treatment-regional"),
        ("recurrence_types", {"body_site": "bone"}, "recurrence-types-secondary"),
        ("coping", {"recurrence_type": "secondary"}, "coping-general"),
    ],
)
def test_with_no_words_to_rank_the_most_specific_overview_answers(content_service, topic, qualifiers, expected_id):
    assert content_service.answer(topic, **qualifiers).entry.id == expected_id


@pytest.mark.parametrize(
    "topic, text, qualifiers, expected_id",
    [
        ("treatment", "can I have radiotherapy again", {"treatment": "radiotherapy"}, "treatment-radiotherapy-again"),
        ("treatment", "what is electrochemotherapy", {}, "treatment-electrochemotherapy"),
        ("coping", "is it my fault?", {}, "coping-fault"),
        (
            "new_primary",
            "is cancer in my other breast a recurrence",
            {"body_site": "other_breast"},
            "new-primary-other-breast",
        ),
    ],
)
def test_within_the_topic_the_question_picks_the_entry(content_service, topic, text, qualifiers, expected_id):
    assert content_service.answer(topic, text=text, **qualifiers).entry.id == expected_id


def test_a_stated_type_rules_out_entries_for_another_type(content_service):
    answer = content_service.answer(
        "symptoms", text="what are the symptoms of secondary breast cancer", recurrence_type="local"
    )
    assert answer.entry.recurrence_type in (None, "local")


def test_an_unsure_intent_lets_an_entry_of_a_close_topic_answer(content_service):
    text = "does drinking alcohol make it more likely to come back"
    unsure = content_service.answer("coping", text=text, topic_weights={"coping": 1.0, "reduce_risk": 0.8})
    assert unsure.entry.id == "reduce-risk-alcohol"


def test_with_nothing_close_the_intents_topic_overview_answers(content_service):
    answer = content_service.answer("coping", text="zzzz qqqq", topic_weights={"coping": 1.0})
    assert answer.entry.id == "coping-general"


def test_a_follow_up_never_repeats_the_answer_it_follows(content_service):
    answer = content_service.answer(
        "treatment",
        text="How is cancer in the chest wall treated? and if it's in the lymph nodes?",
        body_site="lymph_nodes",
        excluded="treatment-chest-wall",
    )
    assert answer.entry.id != "treatment-chest-wall"


def test_overdue_content_served_by_default_and_withheld_on_switch(imported):
    today = dt.date(2026, 11, 21)
    served = ContentService(imported, today=lambda: today).answer("treatment", recurrence_type="secondary")
    assert served.overdue and not served.withheld and served.entry.last_reviewed == dt.date(2019, 5, 1)
    strict = ContentService(imported, today=lambda: today, withhold_overdue=True)
    withheld = strict.answer("treatment", recurrence_type="secondary")
    assert withheld.withheld
    assert not strict.answer("coping").withheld  # reviewed 2026, due 2027


def test_snapshot_reloads_only_after_a_new_import(imported):
    from bot.content.importer import import_content
    from tests.conftest import CONTENT_DIR

    clock = [0.0]
    service = ContentService(imported, cache_seconds=10, monotonic=lambda: clock[0])
    first = service.snapshot()
    clock[0] = 5
    assert service.snapshot() is first
    clock[0] = 20
    assert service.snapshot() is first  # checked, but nothing new was imported
    with imported() as session, session.begin():
        from bot.content.models import Entry

        session.get(Entry, "coping-general").review_status = "draft"
    import_content(imported, CONTENT_DIR)  # restores it and records a new import
    clock[0] = 40
    assert service.snapshot() is not first


def test_draft_entries_are_never_served(imported):
    from bot.content.models import Entry

    with imported() as session, session.begin():
        session.get(Entry, "coping-general").review_status = "draft"
    service = ContentService(imported, cache_seconds=0)
    assert service.answer("coping").entry is None


def test_topic_for_intent():
    assert topic_for_intent("ask_treatment") == "treatment"
    assert topic_for_intent("greet") is None
    assert topic_for_intent("ask_opening_hours") is None  # answered from the hours, not content
    assert topic_for_intent(None) is None


def test_an_answer_to_no_yes_or_no_question_leaves_out_its_opening_yes_or_no(content_service):
    entry = content_service.entry("coping-family-friends")
    assert entry is not None and entry.polar
    told = Answer(entry, None, unasked_yes_no=True)
    assert told.web_answer.startswith("Don't go it alone") and not told.sms_answer.startswith(("Yes", "No"))
    assert entry.web_answer.endswith(told.web_answer[1:])
    asked = Answer(entry, None)
    assert (asked.web_answer, asked.sms_answer) == (entry.web_answer, entry.sms_answer)
    assert content_service.answer("coping", text="i just feel so alone", not_yes_no=True).web_answer == told.web_answer
