"""Turns to learn from, and their export as Rasa NLU training data that `rasa data validate` accepts."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from rasa.shared.core.events import ActionExecuted, UserUttered

from bot.feedback.store import FeedbackStore
from bot.reports.learning import ExportError, Learning, nlu_yaml
from tests.bot.reports.conftest import DAY_1, answer, at, save, turn
from tests.support.rasa_cli import validate_data

LONDON = ZoneInfo("Europe/London")


def overridden(text: str, when):
    """A message the safety net moved from the classifier's ask_symptoms to report_urgent_symptom."""
    parse = {
        "intent": {"name": "report_urgent_symptom", "confidence": 1.0},
        "intent_ranking": [{"name": "ask_symptoms", "confidence": 0.62}],
        "text": text,
        "safety": {"replaced": "ask_symptoms", "grade": "urgent"},
        "entities": [],
    }
    return UserUttered(text, parse["intent"], parse_data=parse, input_channel="socketio", timestamp=when.timestamp())


@pytest.fixture
def learning(session_factory, tracker_store, clock):
    store, engine = tracker_store
    clock.now = at(DAY_1, 12)
    save(
        store,
        "web-1",
        [
            turn("blorp the thing", "socketio", at(DAY_1, 9), intent="nlu_fallback", confidence=0.2),
            ActionExecuted("action_clarify", timestamp=at(DAY_1, 9, 1).timestamp()),
            turn("is my back pain it coming back", "socketio", at(DAY_1, 9, 2), intent="ask_symptoms"),
            answer("symptoms-general", at(DAY_1, 9, 3)),
            turn("/request_nurse", "socketio", at(DAY_1, 9, 4), intent="request_nurse"),
        ],
    )
    save(
        store,
        "web-2",
        [
            turn("can it come back in the bones", "socketio", at(DAY_1, 10), intent="ask_recurrence_types"),
            answer("recurrence-types-secondary", at(DAY_1, 10, 1)),
            overridden("my legs have gone numb and my back hurts", at(DAY_1, 10, 2)),
            turn("thanks", "socketio", at(DAY_1, 10, 3), intent="thank"),
        ],
    )
    FeedbackStore(session_factory, clock).record_helpful(
        "web-2", "socketio", "recurrence-types-secondary", False, "nothing about hips"
    )
    return Learning(session_factory, lambda: engine, lambda: LONDON)


def test_each_kind_of_turn_is_listed_with_intent_confidence_and_entry(learning):
    found = {t["text"]: t for t in learning.turns(DAY_1, DAY_1)}
    assert set(found) == {
        "blorp the thing",
        "is my back pain it coming back",
        "can it come back in the bones",
        "my legs have gone numb and my back hurts",
    }  # "thanks" was understood; "/request_nurse" was a button, not typed
    fallback = found["blorp the thing"]
    assert (fallback["reasons"], fallback["intent"], fallback["confidence"]) == (
        ["fallback", "clarification"],
        "nlu_fallback",
        0.2,
    )
    nurse = found["is my back pain it coming back"]
    assert (nurse["reasons"], nurse["entry"]) == (["nurse_after_answer"], "symptoms-general")
    unhelpful = found["can it come back in the bones"]
    assert (unhelpful["reasons"], unhelpful["comment"]) == (["unhelpful"], "nothing about hips")
    override = found["my legs have gone numb and my back hurts"]
    assert override["reasons"] == ["safety_override"]
    assert (override["classifier_intent"], override["confidence"]) == ("ask_symptoms", 0.62)


def test_export_is_training_data_for_the_chosen_intent(learning):
    ids = [t["id"] for t in learning.turns(DAY_1, DAY_1) if t["text"] != "blorp the thing"][:2]
    text = learning.export(ids, "ask_symptoms")
    assert text.startswith('version: "3.1"\n\nnlu:\n  - intent: ask_symptoms\n    examples: |\n      - ')
    assert text.count("\n      - ") == 2
    with pytest.raises(ExportError):
        learning.export(ids, "not_an_intent")
    with pytest.raises(ExportError):
        learning.export([999999], "ask_symptoms")


def test_a_redaction_placeholder_is_not_read_as_entity_markup():
    assert nlu_yaml("greet", ["hi I'm [name](really)", "hi I'm [name](really)"]).endswith(
        "    examples: |\n      - hi I'm [name] (really)\n"
    )


def test_rasa_data_validate_accepts_the_export_with_the_project_data(learning, tmp_path):
    ids = [t["id"] for t in learning.turns(DAY_1, DAY_1)]
    exported = tmp_path / "from_use.yml"
    exported.write_text(learning.export(ids, "ask_symptoms"))
    returncode, output = validate_data(exported)
    assert returncode == 0, output[-3000:]
    assert str(exported.name) not in " ".join(line for line in output.splitlines() if "Error" in line)
