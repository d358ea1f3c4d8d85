"""The rule layer's parts: negation, framing (hypothetical, asked about, past), context words, combinations.

The messages here are written for these tests; none is copied from the safety sets.
"""

from __future__ import annotations

import json

import pytest

from bot.safety.detector import PATTERNS, RED_FLAG_RULES, SafetyDetector


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
        ("i've got a temperature and i'm on chemo", "red_flag"),  # "a temperature" is a fever
        ("cant stop being sick and my head is pounding", "red_flag"),  # "can't stop" is not a negation
        ("should I be worried that I'm coughing up blood?", "red_flag"),  # a question about now
        ("is it normal that my legs are numb and my back hurts?", "red_flag"),
        ("Can't breathe, what do I do?", "red_flag"),
        ("I had breast cancer years ago and now my back is agony and my legs are weak", "red_flag"),
        ("her legs have given way", "red_flag"),
        ("he's breathing very fast and his lips have gone a grey colour", "red_flag"),  # breathless by its signs
        ("my dad has blue lips", "red_flag"),
        ("Ive been saving up my sleeping pills", "crisis"),
        ("I don't see the point of living anymore", "crisis"),
        ("I want to kill my self", "crisis"),
        ("she keeps saying she wants to die", "crisis"),
        ("my life is not worth living", "crisis"),
        ("i'd be better off dead", "crisis"),
        ("thinking of swerving into oncoming traffic", "crisis"),
        ("i won't be around for long and it won't be from the cancer", "crisis"),  # two halves together
        ("he sent me a message saying goodbye, sorry for everything", "crisis"),
        ("honestly I have given up on living", "crisis"),
        ("everyone would cope better if she wasn't alive", "crisis"),
        ("sometimes I think it'd be simpler if I was gone", "crisis"),
        ("I've counted all my painkillers out on the table", "crisis"),
        ("my pills are lined up on the side", "crisis"),
        ("ive got all my morphine here and i want to take the lot", "crisis"),  # the fourth blind set
        ("got a box of paracetamol, might just swallow the whole box", "crisis"),
        ("I have my sleeping tablets and I'm going to take them all tonight", "crisis"),
        ("ive got my oramorph, i could just down the bottle", "crisis"),
        ("im going to do something stupid tonight ive had enough", "crisis"),  # the fourth blind set
        ("I'm scared I'll do something silly", "crisis"),
        ("she said she might do something to herself", "crisis"),
        ("I feel like giving up on everything, even living", "crisis"),  # the fifth blind set
        ("everyone would manage fine without me", "crisis"),  # the fifth blind journeys, after the crisis reply
        ("theyd all be fine without me", "crisis"),
        ("my kids would cope better without me around", "crisis"),
        ("I've been vomiting blood since this morning", "red_flag"),  # the fifth blind set
        ("my mum has been sick and there's blood in her sick", "red_flag"),
        ("he threw up blood twice", "red_flag"),
        ("I've fallen and I think I've broken my hip, I have bone mets", "red_flag"),  # the fifth blind set
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
        "i can walk again now",  # "can" without a negation is not "can't walk"
        "I can feel my legs again",
        "I don't want to be a burden",
        "I want to carry on living",
        "I don't want to go out much",
        "I'm scared of dying",
        "the nurse wasn't here when I rang",
        "I put my tablets out ready for the morning",
        "I take all my tablets in the morning",
        "do i take the whole packet of tablets each day",
        "my tablets, do i take them all at once or spread them out",
        "i did something stupid at work today",
        "will doing something stupid like skipping a dose matter",
        "I might do something different with my diet",
        "my breathing is back to normal now",
        "can my lips go dry from chemo",
        "no problems with my bladder or bowels",
        "i've been sick twice today",  # vomiting alone is not a red flag
        "my husband will have to manage without me for a week when im in hospital",
        "how will they cope without me if it has spread",
        "would my family be ok without me if i went to the hospice",
        "I'm giving up on everything sugary",
        "",
    ],
)
def test_does_not_fire(detector, text):
    assert not detector.check(text).fired


@pytest.mark.parametrize(
    "text, framing",
    [
        ("is breathlessness common with this drug?", "asked"),
        ("can my tablets cause chest pain", "asked"),
        ("what happens if I get a high temperature on chemo", "hypothetical"),
        ("had chest pain last summer, it turned out to be reflux", "past"),
        ("I coughed up blood a couple of years ago", "past"),
        ("does vomiting blood mean it has spread?", "asked"),
        ("can bone secondaries cause a fractured hip?", "asked"),
        ("I broke my wrist in 2010", "past"),
    ],
)
def test_red_flags_not_happening_now_are_mentioned_with_their_framing(detector, text, framing):
    finding = detector.check(text)
    assert not finding.fired
    assert finding.mentioned and framing in finding.framings


def test_symptoms_now_mild_and_serious(detector):
    assert detector.check("I have a headache").symptom_now
    assert not detector.check("I have a headache").could_be_serious  # one symptom, not sudden or severe
    assert detector.check("a sudden awful headache and blurred vision").could_be_serious
    assert detector.check("just a bit of a stiff neck").mild
    assert not detector.check("no numbness at all").symptom_now
    assert not detector.check("1").symptom_now


def test_figures_of_speech_and_low_mood(detector):
    assert detector.check("I'd kill for a cup of tea").idiom
    assert detector.check("dead on my feet today").idiom
    assert detector.check("I've been feeling really low").low_mood
    assert not detector.check("I've been feeling really low").fired


def test_reasons_name_the_rule(detector):
    finding = detector.check("severe headache and I've been sick all morning")
    assert finding.reasons == ("severe headache with vomiting, confusion or a seizure",)
    finding = detector.check("my back is killing me and my legs are weak")
    assert "possible spinal cord compression: back pain with leg numbness or weakness" in finding.reasons


def test_every_pattern_label_is_used():
    """A typo in a label in patterns.jsonl would make a concept that no rule reads."""
    labels = {json.loads(line)["label"] for line in PATTERNS.read_text().splitlines() if line.strip()}
    in_rules = {concept for groups in RED_FLAG_RULES.values() for group in groups for concept in group}
    known = in_rules | {
        "LEGS", "SIDE_LIMB", "TEMP_WORD", "MEDS", "LETHAL_AMOUNT", "WEAKNESS", "POO_WORD", "CRISIS",
        "DEATH_TALK", "OWN_HAND", "FAREWELL", "FAREWELL_SIGN", "IGNORE", "IDIOM", "SYMPTOM", "LOW_MOOD",
    }  # fmt: skip
    assert labels <= known, labels - known
