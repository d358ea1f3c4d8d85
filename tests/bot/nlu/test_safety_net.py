"""SafetyNet: each message's graded disposition decides the intent the dialogue acts on."""

from __future__ import annotations

from typing import Optional

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.safety_net import ADVICE_ENTITY, SafetyNet
from bot.safety.detector import SafetyDetector

CONFIG = {
    "urgent_confidence": 0.8,
    "crisis_confidence": 0.5,
    "safety_netting_confidence": 0.3,
    "low_mood_confidence": 0.3,
}


@pytest.fixture(scope="module")
def net():
    return SafetyNet(CONFIG, detector=SafetyDetector())


def message(text: str, ranking: list[tuple[str, float]], entities: Optional[list[dict]] = None) -> Message:
    msg = Message(data={"text": text})
    msg.set("intent", {"name": ranking[0][0], "confidence": ranking[0][1]})
    msg.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
    msg.set("entities", entities or [])
    return msg


def run(net: SafetyNet, msg: Message) -> tuple[str, dict, list[str]]:
    net.process([msg])
    advice = [e["value"] for e in msg.get("entities") if e["entity"] == ADVICE_ENTITY]
    return msg.get("intent")["name"], msg.get("safety"), advice


def test_default_config_has_every_threshold():
    assert set(SafetyNet.get_default_config()) == set(CONFIG)


def test_a_red_flag_now_wins_over_any_classifier_intent(net):
    intent, safety, advice = run(net, message("crushing chest pain right now", [("ask_symptoms", 0.9)]))
    assert intent == "report_urgent_symptom" and safety["grade"] == "emergency" and advice == []
    assert safety["red_flags"] == ["chest pain"] and safety["replaced"] == "ask_symptoms"


def test_crisis_language_wins(net):
    intent, safety, _ = run(net, message("i want to end my life", [("ask_coping", 0.8)]))
    assert intent == "express_crisis" and safety["grade"] == "crisis"


def test_a_bare_digit_with_no_menu_is_never_a_symptom(net):
    intent, safety, advice = run(net, message("1", [("report_urgent_symptom", 0.34), ("ask_opening_hours", 0.3)]))
    assert intent == "nlu_fallback" and safety["grade"] == "none" and advice == []


def test_a_plain_headache_gets_the_symptoms_answer_with_safety_netting(net):
    intent, safety, advice = run(
        net, message("I have a headache", [("report_urgent_symptom", 0.9), ("ask_symptoms", 0.05)])
    )
    assert intent == "ask_symptoms" and safety["grade"] == "safety_netting" and advice == ["safety_netting"]


def test_a_hypothetical_red_flag_keeps_the_question_and_adds_safety_netting(net):
    text = "what should I do if I ever get chest pain"
    intent, safety, advice = run(net, message(text, [("ask_symptoms", 0.6), ("report_urgent_symptom", 0.3)]))
    assert intent == "ask_symptoms" and advice == ["safety_netting"] and safety["red_flags"] == ["chest pain"]


def test_low_mood_gets_the_coping_answer_with_support(net):
    text = "I've been feeling really low lately"
    intent, safety, advice = run(net, message(text, [("express_crisis", 0.45), ("ask_coping", 0.4)]))
    assert intent == "ask_coping" and safety["grade"] == "low_mood" and advice == ["low_mood"]


def test_a_figure_of_speech_is_not_a_crisis(net):
    intent, safety, _ = run(net, message("I'd kill for a cup of tea", [("express_crisis", 0.77), ("greet", 0.1)]))
    assert intent == "nlu_fallback" and safety["grade"] == "none"
    assert safety["review"] == "classifier_overruled_figure_of_speech"


def test_asking_for_a_nurse_is_left_alone(net):
    text = "my back aches, can I talk to a nurse"
    intent, safety, advice = run(net, message(text, [("request_nurse", 0.9), ("report_urgent_symptom", 0.4)]))
    assert intent == "request_nurse" and advice == []


def test_another_cancer_stays_out_of_scope_unless_urgent(net):
    other = [{"entity": "other_cancer", "value": "lung cancer", "start": 0, "end": 4}]
    intent, _, advice = run(net, message("can lung cancer cause chest pain?", [("out_of_scope", 1.0)], other))
    assert intent == "out_of_scope" and advice == []
    intent, _, _ = run(net, message("lung cancer and crushing chest pain now", [("out_of_scope", 1.0)], other))
    assert intent == "report_urgent_symptom"


def test_ordinary_questions_are_untouched(net):
    msg = message("what are the types of recurrence", [("ask_recurrence_types", 0.95)])
    intent, safety, advice = run(net, msg)
    assert intent == "ask_recurrence_types" and safety["grade"] == "none" and safety["replaced"] is None
    assert advice == []
