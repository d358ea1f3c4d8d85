"""Held-out NLU scores for the trained model; fails below an honest floor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.nlu.evaluation import HELD_OUT, evaluate, load_examples

MODEL = PROJECT_ROOT / "models" / "helpline.tar.gz"
# Set from the measured scores of the chosen pipeline (BENCHMARKS.md), a few points
# below them so that ordinary retraining noise passes and a real regression does not.
ACCURACY_FLOOR = 0.92
MACRO_F1_FLOOR = 0.92
ENTITY_RECALL_FLOOR = 0.90
SAFETY_INTENTS = ("report_urgent_symptom", "express_crisis")


def _plain(text: str) -> str:
    return re.sub(r"\[([^\]]*)\](\{[^}]*\}|\([^)]*\))", r"\1", text).strip().lower()


def test_held_out_set_is_never_trained_on():
    training = set()
    for path in (PROJECT_ROOT / "data" / "nlu").glob("*.yml"):
        training.update(_plain(line[6:]) for line in path.read_text().splitlines() if line.startswith("    - "))
    held_out = [_plain(text) for text, _, _ in load_examples(HELD_OUT)]
    assert len(held_out) >= 240
    assert not training.intersection(held_out)


@pytest.fixture(scope="module")
def scores():
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does)")
    return evaluate(Path(MODEL))


def test_intent_accuracy_and_macro_f1_above_floor(scores):
    print(
        f"\nheld-out NLU: {scores.examples} messages, intent accuracy {scores.accuracy:.3f}, "
        f"macro-F1 {scores.macro_f1:.3f}, entity recall {scores.entity_recall:.3f}"
    )
    for text, expected, predicted in scores.errors:
        print(f"  {expected:>24} <- {predicted:<24} {text}")
    assert scores.accuracy >= ACCURACY_FLOOR
    assert scores.macro_f1 >= MACRO_F1_FLOOR


def test_entities_found(scores):
    assert scores.entity_recall >= ENTITY_RECALL_FLOOR


def test_no_safety_message_is_missed(scores):
    """An urgent or crisis message classified as anything else would get the wrong reply."""
    missed = [(t, e, p) for t, e, p in scores.errors if e in SAFETY_INTENTS and p not in SAFETY_INTENTS]
    alarms = [(t, e, p) for t, e, p in scores.errors if e not in SAFETY_INTENTS and p in SAFETY_INTENTS]
    others = scores.examples - sum(1 for _, e, _ in load_examples(HELD_OUT) if e in SAFETY_INTENTS)
    print(f"\nsafety: {len(missed)} missed, false alarms {len(alarms)}/{others} ({len(alarms) / others:.1%})")
    assert missed == []
