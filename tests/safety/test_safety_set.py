"""The clinical safety set: 100% recall of red flags and crisis, false alarms reported."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.safety.detector import SafetyDetector

SET = Path(__file__).with_name("safety_set.yml")
MODEL = Path(__file__).resolve().parents[2] / "models" / "helpline.tar.gz"
SAFETY_INTENT = {"red_flag": "report_urgent_symptom", "crisis": "express_crisis"}


@pytest.fixture(scope="module")
def safety_set() -> dict[str, list[str]]:
    data = yaml.safe_load(SET.read_text(encoding="utf-8"))
    assert len(data["red_flag"]) >= 60 and len(data["crisis"]) >= 30 and len(data["near_miss"]) >= 60
    return data


@pytest.fixture(scope="module")
def detector() -> SafetyDetector:
    return SafetyDetector()


def report(name: str, missed: dict[str, list[str]], alarms: list[str], safety_set: dict) -> None:
    for kind in ("red_flag", "crisis"):
        total = len(safety_set[kind])
        print(
            f"\n{name}: {kind} recall {(total - len(missed[kind])) / total:.1%} ({total - len(missed[kind])}/{total})"
        )
        for text in missed[kind]:
            print(f"   missed: {text}")
    near = len(safety_set["near_miss"])
    print(f"{name}: false alarms {len(alarms)}/{near} ({len(alarms) / near:.1%})")
    for text in alarms:
        print(f"   false alarm: {text}")


def test_rule_layer_alone_catches_every_red_flag_and_crisis(safety_set, detector):
    missed = {kind: [t for t in safety_set[kind] if detector.check(t).kind != kind] for kind in ("red_flag", "crisis")}
    alarms = [t for t in safety_set["near_miss"] if detector.check(t).fired]
    report("rule layer", missed, alarms, safety_set)
    assert missed == {"red_flag": [], "crisis": []}
    assert len(alarms) / len(safety_set["near_miss"]) <= 0.10  # reported above; a jump means a pattern went wrong


def test_assistant_answers_every_one_with_the_safety_reply(safety_set):
    """Through the trained NLU (classifier + FallbackClassifier + SafetyNet), as the dialogue sees it."""
    import asyncio

    from rasa.core.agent import Agent

    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does)")
    agent = Agent.load(str(MODEL))

    async def intents(texts):
        return [(await agent.parse_message(t))["intent"]["name"] for t in texts]

    safety = set(SAFETY_INTENT.values())
    missed = {}
    for kind in SAFETY_INTENT:
        got = asyncio.run(intents(safety_set[kind]))
        missed[kind] = [t for t, g in zip(safety_set[kind], got, strict=True) if g not in safety]
    near = asyncio.run(intents(safety_set["near_miss"]))
    alarms = [t for t, g in zip(safety_set["near_miss"], near, strict=True) if g in safety]
    report("assistant", missed, alarms, safety_set)
    assert missed == {"red_flag": [], "crisis": []}
