"""The clinical safety sets: 100% recall of red flags and crisis, and few false emergency routes.

Both sets are read and reported separately (tests/safety/measure.py): the project's set and the
independent set written blind. Recall must be 100% on each, for the rule layer alone and for the
whole assistant (NLU, then the SafetyNet's graded disposition, as the dialogue acts on it). False
emergency or urgent routes on each set's near-miss messages must stay at or below 5%.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.safety.detector import SafetyDetector
from tests.safety.measure import SETS, assistant_route, figures, load, parse_all, rule_layer_routes

MODEL = Path(os.environ.get("HELPLINE_TEST_MODEL", Path(__file__).resolve().parents[2] / "models" / "helpline.tar.gz"))
MAX_FALSE_URGENT = 0.05  # issue 12: at most 5% false emergency / urgent routes, whole assistant
MAX_RULE_FALSE_ALARMS = 0.05  # the rule layer alone; a jump means a pattern went wrong
# The exact checks of issue 12: each gets an answer without 999 or A&E.
NOT_URGENT = ("1", "I have a headache", "what should I do if I ever get chest pain")


@pytest.fixture(scope="module")
def detector() -> SafetyDetector:
    return SafetyDetector()


@pytest.fixture(scope="module")
def sets() -> dict[str, list]:
    loaded = {name: load(name) for name in SETS}
    for items in loaded.values():
        counts = {kind: sum(i.kind == kind for i in items) for kind in ("red_flag", "crisis", "near_miss")}
        assert counts["red_flag"] >= 40 and counts["crisis"] >= 25 and counts["near_miss"] >= 90, counts
    return loaded


@pytest.fixture(scope="module")
def parsed(sets) -> dict[str, list[dict]]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does)")
    texts = {name: [i.text for i in items] for name, items in sets.items()}
    everything = parse_all(MODEL, [t for name in texts for t in texts[name]] + list(NOT_URGENT))
    out, start = {}, 0
    for name in texts:
        out[name] = everything[start : start + len(texts[name])]
        start += len(texts[name])
    out["exact"] = everything[start:]
    return out


@pytest.mark.parametrize("name", list(SETS))
def test_rule_layer_alone_catches_every_red_flag_and_crisis(sets, detector, name):
    result = figures(f"{name} set, rule layer alone", sets[name], rule_layer_routes(sets[name], detector))
    print("\n" + result.report())
    assert result.missed == {"red_flag": [], "crisis": []}
    alarms = len(result.false_urgent) + len(result.false_crisis)
    assert alarms / result.totals["near_miss"] <= MAX_RULE_FALSE_ALARMS


@pytest.mark.parametrize("name", list(SETS))
def test_assistant_routes_every_red_flag_and_crisis_and_few_false_urgent(sets, parsed, name):
    """Through the trained NLU (classifier, FallbackClassifier, SafetyNet), as the dialogue acts on it."""
    routes = [assistant_route(p) for p in parsed[name]]
    result = figures(f"{name} set, whole assistant", sets[name], routes)
    print("\n" + result.report())
    assert result.missed == {"red_flag": [], "crisis": []}
    assert result.false_urgent_rate <= MAX_FALSE_URGENT


@pytest.mark.parametrize("index, text", list(enumerate(NOT_URGENT)))
def test_the_exact_checks_get_no_emergency_route(parsed, index, text):
    """A bare "1" with no menu, "I have a headache", "what should I do if I ever get chest pain"."""
    result = parsed["exact"][index]
    route = assistant_route(result)
    assert not route.urgent and not route.crisis, (text, result["intent"], result.get("safety"))
    assert route.grade in ("none", "safety_netting"), result.get("safety")
