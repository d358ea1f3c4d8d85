"""Measures safety triage on the safety sets: the rule layer alone, and the whole assistant's NLU.

Two sets, reported separately:
- `safety_set.yml`: the project's set. Its misses were fixed once by general patterns, so it is a
  regression set, not an unbiased estimate;
- `independent_set.yml`: written blind by someone who never saw the patterns or training data,
  frozen. Its near-miss messages are grouped by category.

`python -m tests.safety.measure MODEL.tar.gz` prints both sets' figures and the threshold curve
that BENCHMARKS.md ("Safety triage") records.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import yaml

from bot.safety.detector import SafetyDetector
from bot.safety.disposition import CRISIS, Disposition, Thresholds, decide

HERE = Path(__file__).parent
SETS = {"project": HERE / "safety_set.yml", "independent": HERE / "independent_set.yml"}
URGENT_INTENT, CRISIS_INTENT = "report_urgent_symptom", "express_crisis"


@dataclass(frozen=True)
class Item:
    kind: str  # red_flag | crisis | near_miss
    category: str
    text: str


def load(name: str) -> list[Item]:
    data = yaml.safe_load(SETS[name].read_text(encoding="utf-8"))
    items = [Item(kind, kind, str(text)) for kind in ("red_flag", "crisis") for text in data[kind]]
    near = data["near_miss"]
    groups = near.items() if isinstance(near, dict) else [("near_miss", near)]
    items += [Item("near_miss", category, str(text)) for category, texts in groups for text in texts]
    return items


@dataclass(frozen=True)
class Route:
    """What the assistant would do: urgent (emergency or urgent route), crisis, or neither."""

    urgent: bool
    crisis: bool
    grade: str = ""


@dataclass
class Figures:
    name: str
    missed: dict[str, list[str]] = field(default_factory=lambda: {"red_flag": [], "crisis": []})
    totals: dict[str, int] = field(default_factory=lambda: {"red_flag": 0, "crisis": 0, "near_miss": 0})
    false_urgent: list[tuple[str, str]] = field(default_factory=list)  # (category, text)
    false_crisis: list[tuple[str, str]] = field(default_factory=list)
    by_category: dict[str, int] = field(default_factory=dict)

    def recall(self, kind: str) -> float:
        total = self.totals[kind]
        return (total - len(self.missed[kind])) / total if total else 1.0

    @property
    def false_urgent_rate(self) -> float:
        return len(self.false_urgent) / self.totals["near_miss"] if self.totals["near_miss"] else 0.0

    def report(self) -> str:
        lines = []
        for kind in ("red_flag", "crisis"):
            total, missed = self.totals[kind], self.missed[kind]
            lines.append(f"{self.name}: {kind} recall {self.recall(kind):.1%} ({total - len(missed)}/{total})")
            lines += [f"   missed: {text}" for text in missed]
        near, urgent = self.totals["near_miss"], len(self.false_urgent)
        lines.append(
            f"{self.name}: false emergency/urgent routes {urgent}/{near} ({self.false_urgent_rate:.1%}),"
            f" false crisis routes {len(self.false_crisis)}/{near}"
        )
        lines += [f"   false urgent [{c}]: {t}" for c, t in self.false_urgent]
        lines += [f"   false crisis [{c}]: {t}" for c, t in self.false_crisis]
        if len(self.by_category) > 1:
            lines.append("   near-miss categories: " + ", ".join(f"{c} {n}" for c, n in self.by_category.items()))
        return "\n".join(lines)


def figures(name: str, items: Iterable[Item], routes: Iterable[Route]) -> Figures:
    result = Figures(name)
    for item, route in zip(items, routes, strict=True):
        result.totals[item.kind] += 1
        if item.kind == "red_flag" and not route.urgent:
            result.missed["red_flag"].append(item.text)
        elif item.kind == "crisis" and not route.crisis:
            result.missed["crisis"].append(item.text)
        elif item.kind == "near_miss":
            result.by_category[item.category] = result.by_category.get(item.category, 0) + 1
            if route.urgent:
                result.false_urgent.append((item.category, item.text))
            if route.crisis:
                result.false_crisis.append((item.category, item.text))
    return result


def rule_layer_routes(items: list[Item], detector: SafetyDetector) -> list[Route]:
    """The rule layer alone: does it fire, and with which kind."""
    out = []
    for item in items:
        kind = detector.check(item.text).kind
        out.append(Route(urgent=kind == "red_flag", crisis=kind == "crisis"))
    return out


def parse_all(model: Path, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def run() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(run())


def assistant_route(parsed: dict[str, Any]) -> Route:
    """The dialogue acts on the intent: report_urgent_symptom and express_crisis are the alarm routes."""
    intent = (parsed.get("intent") or {}).get("name")
    grade = (parsed.get("safety") or {}).get("grade", "")
    return Route(urgent=intent == URGENT_INTENT, crisis=intent == CRISIS_INTENT, grade=grade)


def disposition_routes(
    items: list[Item], parsed: list[dict[str, Any]], detector: SafetyDetector, thresholds: Thresholds
) -> list[Route]:
    """The disposition the SafetyNet would give at other thresholds, from the stored rankings."""
    out = []
    for item, result in zip(items, parsed, strict=True):
        d: Disposition = decide(item.text, detector.check(item.text), result.get("intent_ranking") or [], thresholds)
        out.append(Route(urgent=d.urgent_route, crisis=d.grade == CRISIS, grade=d.grade))
    return out


def _confidence(result: dict[str, Any], intent: str) -> float:
    return max((r["confidence"] for r in result.get("intent_ranking") or [] if r["name"] == intent), default=0.0)


def curve(
    sets: dict[str, tuple[list[Item], list[dict[str, Any]]]],
    detector: SafetyDetector,
    base: Thresholds,
    field_name: str,
    values: Iterable[float],
    out: Callable[[str], None] = print,
) -> None:
    """A table: threshold against the classifier's own recall, the assistant's recall and false alarms."""
    intent = URGENT_INTENT if field_name == "urgent" else CRISIS_INTENT
    kind = "red_flag" if field_name == "urgent" else "crisis"
    alarm = "urgent" if kind == "red_flag" else "crisis"
    header = " | ".join(
        f"{name}: classifier alone (recall, false alarms), assistant (recall, false {alarm})" for name in sets
    )
    out(f"{field_name} threshold | {header}")
    for value in values:
        thresholds = Thresholds(**{**base.__dict__, field_name: value})
        cells = []
        for name, (items, parsed) in sets.items():
            positives = [r for i, r in zip(items, parsed, strict=True) if i.kind == kind]
            near = [r for i, r in zip(items, parsed, strict=True) if i.kind == "near_miss"]
            alone = sum(_confidence(r, intent) >= value for r in positives)
            alone_false = sum(_confidence(r, intent) >= value for r in near)
            result = figures(name, items, disposition_routes(items, parsed, detector, thresholds))
            false = result.false_urgent if kind == "red_flag" else result.false_crisis
            cells.append(
                f"{alone}/{len(positives)}, {alone_false}/{len(near)} ; "
                f"{result.recall(kind):.0%}, {len(false)}/{len(near)} ({len(false) / len(near):.1%})"
            )
        out(f"{value:>5.2f} | " + " | ".join(cells))


def main(argv: list[str]) -> None:
    model = Path(argv[1]) if len(argv) > 1 else None
    detector = SafetyDetector()
    loaded = {name: load(name) for name in SETS}
    for name, items in loaded.items():
        print(figures(f"{name} set, rule layer alone", items, rule_layer_routes(items, detector)).report())
    if model is None:
        return
    parsed = {name: parse_all(model, [i.text for i in items]) for name, items in loaded.items()}
    for name, items in loaded.items():
        routes = [assistant_route(p) for p in parsed[name]]
        print(figures(f"{name} set, whole assistant", items, routes).report())
    from bot.nlu.safety_net import SafetyNet

    base = _configured(SafetyNet.get_default_config())
    both = {name: (loaded[name], parsed[name]) for name in loaded}
    grid = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99)
    curve(both, detector, base, "urgent", grid)
    curve(both, detector, base, "crisis", grid)


def _configured(defaults: dict[str, Any], config: Optional[Path] = None) -> Thresholds:
    """The thresholds in config.yml's SafetyNet block (defaults where it sets none)."""
    path = config or HERE.parents[1] / "config.yml"
    pipeline = yaml.safe_load(path.read_text(encoding="utf-8"))["pipeline"]
    block = next((c for c in pipeline if c.get("name", "").endswith("SafetyNet")), {})
    values = {**defaults, **{k: v for k, v in block.items() if k != "name"}}
    return Thresholds(
        urgent=float(values["urgent_confidence"]),
        crisis=float(values["crisis_confidence"]),
        safety_netting=float(values["safety_netting_confidence"]),
        low_mood=float(values["low_mood_confidence"]),
    )


if __name__ == "__main__":
    main(sys.argv)
