"""Graded dispositions from the rule layer's finding and the classifier's ranking."""

from __future__ import annotations

import pytest

from bot.safety import disposition as d
from bot.safety.detector import RED_FLAG_RULES, SafetyDetector
from bot.safety.disposition import Disposition, Thresholds, decide, input_kind, nurse_reason, safety_reply
from bot.wording import Wording

T = Thresholds(urgent=0.8, crisis=0.5, safety_netting=0.3, low_mood=0.3)


@pytest.fixture(scope="module")
def detector():
    return SafetyDetector()


def grade(detector, text: str, urgent: float = 0.0, crisis: float = 0.0) -> Disposition:
    ranking = [
        {"name": "report_urgent_symptom", "confidence": urgent},
        {"name": "express_crisis", "confidence": crisis},
    ]
    return decide(text, detector.check(text), ranking, T)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("1", "menu_reply"),
        (" 2. ", "menu_reply"),
        ("option 3", "menu_reply"),
        ("the first one please", "menu_reply"),
        ("👍", "no_words"),
        ("??", "no_words"),
        ("headache", "single_word"),
        ("Seizure!", "single_word"),
        ("I have a headache", None),
    ],
)
def test_input_kind(text, kind):
    assert input_kind(text) == kind


def test_every_red_flag_has_a_grade():
    assert set(d.RED_FLAG_GRADES) == set(RED_FLAG_RULES)
    assert set(d.RED_FLAG_GRADES.values()) == {d.EMERGENCY, d.URGENT}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sudden crushing chest pain", d.EMERGENCY),
        ("my back is agony and my legs have gone numb", d.URGENT),
        ("on chemo and my temp is 38.7", d.URGENT),
        ("chest pain and my legs are numb and my back hurts", d.EMERGENCY),  # the higher grade wins
    ],
)
def test_a_red_flag_now_gets_its_grade_even_when_the_classifier_disagrees(detector, text, expected):
    result = grade(detector, text, urgent=0.05)
    assert result.grade == expected and result.source == d.RULES
    assert result.review == d.REVIEW_RULE_ONLY  # for a clinician to look at


def test_rule_and_classifier_agreeing_need_no_review(detector):
    result = grade(detector, "sudden crushing chest pain", urgent=0.97)
    assert result.source == d.BOTH and result.review is None


@pytest.mark.parametrize("text", ["1", "2", "option 2", "👍"])
def test_digits_and_menu_replies_are_never_a_symptom(detector, text):
    result = grade(detector, text, urgent=0.99, crisis=0.99)
    assert result.grade == d.NONE and result.review == d.REVIEW_NOT_A_SYMPTOM


def test_a_single_symptom_word_gets_safety_netting_not_999(detector):
    result = grade(detector, "seizure", urgent=0.99)
    assert result.grade == d.SAFETY_NETTING and result.review == d.REVIEW_SINGLE_WORD


def test_a_confident_classifier_raises_urgent_only_for_a_symptom_that_could_be_serious(detector):
    assert grade(detector, "I have a headache", urgent=0.99).grade == d.SAFETY_NETTING
    assert grade(detector, "just a bit of a stiff back", urgent=0.99).grade != d.URGENT  # mild
    assert grade(detector, "my appointment is on the 14th", urgent=0.99).grade == d.NONE  # no symptom
    serious = grade(detector, "a sudden awful headache and blurred vision", urgent=0.9)
    assert serious.grade == d.URGENT and serious.source == d.CLASSIFIER and serious.review == d.REVIEW_CLASSIFIER_ONLY
    assert grade(detector, "a sudden awful headache and blurred vision", urgent=0.7).grade == d.SAFETY_NETTING


def test_a_symptom_now_the_classifier_could_not_place_gets_safety_netting(detector):
    unsure = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "report_urgent_symptom", "confidence": 0.05}]
    result = decide("I have a headache", detector.check("I have a headache"), unsure, T)
    assert result.grade == d.SAFETY_NETTING and result.source == d.RULES
    no_symptom = "my appointment is on the 14th"
    assert decide(no_symptom, detector.check(no_symptom), unsure, T).grade == d.NONE
    # A classifier that placed it elsewhere keeps its intent (safety_net.routed_intent), with the line after.
    placed = [{"name": "ask_treatment", "confidence": 0.9}, {"name": "report_urgent_symptom", "confidence": 0.05}]
    assert decide("I have a headache", detector.check("I have a headache"), placed, T).grade == d.SAFETY_NETTING
    elsewhere = [{"name": "out_of_scope", "confidence": 0.9}, {"name": "report_urgent_symptom", "confidence": 0.05}]
    dog = "my dog keeps coughing at night"  # the ScopeGuard puts a pet out of scope: another subject
    assert decide(dog, detector.check(dog), elsewhere, T, scoped_out=True).grade == d.NONE
    # The classifier alone guessing out of scope does not make a symptom now someone else's.
    headache = decide("I have a headache", detector.check("I have a headache"), elsewhere, T)
    assert headache.grade == d.SAFETY_NETTING
    past = "I had a small lump near my scar last month but it went away, should I be worried?"
    assert decide(past, detector.check(past), unsure, T).grade == d.SAFETY_NETTING
    assert decide(past, detector.check(past), placed, T).grade == d.NONE  # placed, and not happening now


@pytest.mark.parametrize(
    "text",
    [
        "what should I do if I ever get chest pain",
        "does coughing up blood mean it has spread?",
        "had chest pain last summer but it turned out to be reflux",
    ],
)
def test_asked_hypothetical_and_past_red_flags_get_safety_netting(detector, text):
    result = grade(detector, text, urgent=0.95)
    assert result.grade == d.SAFETY_NETTING and result.red_flags
    assert result.review == d.REVIEW_NOT_NOW  # the confident classifier was overruled


def test_crisis(detector):
    assert grade(detector, "i want to end my life").grade == d.CRISIS
    classifier_only = grade(detector, "everything is pointless and I have a plan", crisis=0.6)
    assert classifier_only.grade == d.CRISIS and classifier_only.review == d.REVIEW_CLASSIFIER_ONLY
    idiom = grade(detector, "I'd kill for a cup of tea", crisis=0.9)
    assert idiom.grade == d.NONE and idiom.review == d.REVIEW_IDIOM


def test_low_mood_without_crisis_language_gets_the_coping_route(detector):
    assert grade(detector, "I've been feeling really low since the op").grade == d.LOW_MOOD
    assert grade(detector, "nothing seems to help lately", crisis=0.35).grade == d.LOW_MOOD
    assert grade(detector, "what are the types of recurrence").grade == d.NONE


def test_the_gate_decides_on_the_rule_layer_alone(detector):
    def alone(text):
        return decide(text, detector.check(text)).grade

    assert alone("my chest hurts and I'm coughing up blood") == d.EMERGENCY
    assert alone("I have a headache") not in (d.EMERGENCY, d.URGENT, d.CRISIS)


def test_round_trip_through_the_tracker(detector):
    result = grade(detector, "sudden crushing chest pain", urgent=0.4)
    assert Disposition.from_dict(result.as_dict()) == result
    assert Disposition.from_dict(None) is None and Disposition.from_dict({"grade": "panic"}) is None


def test_replies_and_the_nurse_reason_name_the_grade_and_red_flag(detector):
    wording = Wording.from_domain()
    cord = grade(detector, "my back is agony and my legs keep giving way", urgent=0.9)
    assert safety_reply(cord) == "utter_urgent_symptom"
    reason = nurse_reason(cord, wording)
    assert reason.startswith("Urgent") and "possible spinal cord compression: back pain with leg" in reason
    chest = grade(detector, "crushing chest pain", urgent=0.9)
    assert safety_reply(chest) == "utter_emergency" and nurse_reason(chest, wording).startswith("Emergency")
    clf = grade(detector, "a sudden awful headache and blurred vision", urgent=0.95)
    assert "classifier only" in nurse_reason(clf, wording)
    assert safety_reply(None) == "utter_urgent_symptom"


@pytest.mark.parametrize("response", ["utter_safety_netting", "utter_low_mood_support"])
def test_the_graded_routes_below_urgent_never_say_999_or_a_and_e(response):
    text = Wording.from_domain().text(response)
    assert "999" not in text and "A&E" not in text


def test_every_urgent_reply_names_999_and_nhs_111():
    wording = Wording.from_domain()
    for response in ("utter_emergency", "utter_urgent_symptom"):
        assert "999" in wording.text(response) and "NHS 111" in wording.text(response)
    assert "116 123" in wording.text("utter_low_mood_support") and "116 123" in wording.text("utter_crisis")
