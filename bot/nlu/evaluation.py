"""Scores a trained model on the held-out set: intent accuracy, macro-F1 and parse time."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from bot.config import PROJECT_ROOT

HELD_OUT = PROJECT_ROOT / "tests" / "nlu" / "test_nlu.yml"
# Written blind from the intent list and personas, frozen, never trained on (issue 11).
INDEPENDENT = PROJECT_ROOT / "tests" / "nlu" / "independent.yml"


@dataclass(frozen=True)
class Scores:
    examples: int
    accuracy: float
    macro_f1: float
    median_parse_ms: float
    errors: tuple[tuple[str, str, str], ...]  # (text, expected, predicted)
    entity_recall: float


def load_examples(path: Path = HELD_OUT) -> list[tuple[str, str, list[dict]]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent"), m.get("entities") or []) for m in data.intent_examples]


def evaluate(model_path: Path, path: Path = HELD_OUT) -> Scores:
    from rasa.core.agent import Agent
    from sklearn.metrics import accuracy_score, f1_score

    agent = Agent.load(str(model_path))
    examples = load_examples(path)

    async def parse_all() -> list[tuple[dict, float]]:
        out = []
        for text, _, _ in examples:
            start = time.perf_counter()
            parsed = await agent.parse_message(text)
            out.append((parsed, (time.perf_counter() - start) * 1000))
        return out

    results = asyncio.run(parse_all())
    expected = [intent for _, intent, _ in examples]
    predicted = [(p.get("intent") or {}).get("name") or "" for p, _ in results]
    wanted = found = 0
    for (_, _, entities), (parsed, _) in zip(examples, results, strict=True):
        got = {(e["entity"], str(e["value"])) for e in parsed.get("entities", [])}
        for entity in entities:
            wanted += 1
            found += (entity["entity"], str(entity["value"])) in got
    return Scores(
        examples=len(examples),
        accuracy=float(accuracy_score(expected, predicted)),
        macro_f1=float(f1_score(expected, predicted, average="macro", labels=sorted(set(expected)), zero_division=0)),
        median_parse_ms=statistics.median(ms for _, ms in results),
        errors=tuple((t, e, p) for (t, _, _), e, p in zip(examples, expected, predicted, strict=True) if e != p),
        entity_recall=found / wanted if wanted else 1.0,
    )
