"""SafetyNet: a plausible crisis or urgent-symptom intent replaces the classifier's top intent."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from bot.nlu.safety_net import SafetyNet


def message(intent: str, ranking: list[tuple[str, float]]) -> Message:
    msg = Message(data={"text": "x"})
    msg.set("intent", {"name": intent, "confidence": ranking[0][1]})
    msg.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
    return msg


def run(msg: Message) -> str:
    SafetyNet({"min_confidence": 0.2}).process([msg])
    return msg.get("intent")["name"]


def test_plausible_crisis_beats_a_fallback():
    msg = message("nlu_fallback", [("nlu_fallback", 0.4), ("ask_coping", 0.35), ("express_crisis", 0.3)])
    assert run(msg) == "express_crisis"
    assert msg.get("safety_net") == {"replaced": "nlu_fallback"}


def test_the_likelier_safety_intent_wins_when_both_are_plausible():
    msg = message("ask_symptoms", [("ask_symptoms", 0.5), ("report_urgent_symptom", 0.3), ("express_crisis", 0.2)])
    assert run(msg) == "report_urgent_symptom"


def test_unlikely_safety_intent_changes_nothing():
    msg = message("ask_treatment", [("ask_treatment", 0.9), ("report_urgent_symptom", 0.19)])
    assert run(msg) == "ask_treatment"
    assert msg.get("safety_net") is None


def test_safety_intent_on_top_is_left_alone():
    msg = message("report_urgent_symptom", [("report_urgent_symptom", 0.6), ("express_crisis", 0.3)])
    assert run(msg) == "report_urgent_symptom"
