"""The rule layer's parts: negation scope, hypothetical questions, context words, combinations."""

from __future__ import annotations

import pytest

from bot.safety.detector import SafetyDetector


@pytest.fixture(scope="module")
def detector():
    return SafetyDetector()


@pytest.mark.parametrize(
    "text, kind",
    [
        ("my back is agony and my legs have gone numb", "red_flag"),
        ("i'm not sure but my legs are numb", "red_flag"),  # negation stops at "but"
        ("my legs are fine, no numbness, but my chest is tight", "red_flag"),
        ("temp 39.1 after my docetaxel", "red_flag"),  # a fever by the number, on a chemo drug
        ("i cant feel my right arm", "red_flag"),  # the limb is context, not a negated symptom
        ("Ive been saving up my sleeping pills", "crisis"),
        ("I don't see the point of living anymore", "crisis"),
        ("I want to kill my self", "crisis"),
    ],
)
def test_fires(detector, text, kind):
    assert detector.check(text).kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "no numbness in my legs",
        "what are the red-flag symptoms to look out for",
        "should i worry if i ever get chest pain?",
        "my mum had a headache yesterday but it's gone",
        "a headache on its own",  # a red flag needs vomiting, confusion or a seizure with it
        "i have a temperature of 38.5",  # a fever is a red flag during chemotherapy
        "i'm not suicidal, just exhausted",
        "this waiting is killing me",
        "my chest x-ray is next week",
        "how many paracetamol can i take a day",
        "",
    ],
)
def test_does_not_fire(detector, text):
    assert not detector.check(text).fired


def test_reasons_name_the_rule(detector):
    finding = detector.check("severe headache and I've been sick all morning")
    assert finding.reasons == ("severe headache with vomiting, confusion or a seizure",)
