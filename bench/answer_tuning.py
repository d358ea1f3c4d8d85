"""Chooses the ranking parameters on a development set: every entry's own `asked_as`, through the trained NLU.

The examples are parsed once by the model (they are never NLU training data), then
5-fold cross-validation refits the ranker without the held-out examples and asks whether
step one (questions.py) and step two (ranking.py) give the example's own entry. The frozen
answer set is not used here. Run with `make bench-ranking MODEL=models/helpline.tar.gz`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import sys
from pathlib import Path

from bench.answer_ranking import FOLDS, _fold
from bench.report import write_block
from bot.content.questions import QuestionReader, load_follow_up_words
from bot.content.ranker import EntryRanker, RankerConfig
from bot.content.ranking import PARAMS, Query, choose
from bot.content.schema import TOPICS, read_content_dir
from tests.conftest import CONTENT_DIR

# The thresholds (min and sure similarity) were chosen in an earlier run and are kept: they judge the
# similarity alone. This grid weighs the trained preference against it (ranker.py).
GRID = {
    "preference_weight": (0.0, 0.3, 0.5, 0.7, 0.9),
    "topic_floor": (0.5, 0.7, 0.9),
    "stated_bonus": (0.08, 0.15, 0.25),
}
IN_USE = "characters"
RANKERS = {"characters": RankerConfig(word=False, char=True)}


def parse_all(model: Path, texts: list[str]) -> list[dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def run() -> list[dict]:
        return [await agent.parse_message(t) for t in texts]

    return asyncio.run(run())


def fold_scores(entries, ranker_config) -> list[tuple[list, list[tuple[int, str, object]]]]:
    """Per fold: the training entries and, for each held-out example, its similarity to every entry."""
    folds = []
    for fold in range(FOLDS):
        train, held = _fold(entries, fold)
        ranker = EntryRanker(train, ranker_config)
        folds.append((train, [(index, text, ranker.scores(text), ranker.preferences(text)) for index, text in held]))
    return folds


def score(entries, folds, parsed, sites, reader, params) -> float:
    right = total = 0
    for train, held in folds:
        for index, text, similarities, preferences in held:
            question = reader.read(parsed[text])
            rt = question.recurrence_type or sites.get(question.body_site or "")
            query = Query(
                question.topic,
                rt,
                question.treatment,
                text,
                question.topic_weights,
                question.required,
                body_site=question.body_site,
            )
            best, value = choose(train, similarities, query, params, preferences)
            if question.topic is None and value < params.sure_similarity:
                best = None  # the bot would ask which topic was meant
            right += best is not None and best.id == entries[index].id
            total += 1
    return right / total


def main(model: Path) -> int:
    content = read_content_dir(CONTENT_DIR)
    entries = content.entries
    sites = {s.site: s.recurrence_type for s in content.body_sites}
    texts = sorted({a for e in entries for a in e.asked_as})
    parsed = dict(zip(texts, parse_all(model, texts), strict=True))
    reader = QuestionReader(TOPICS, load_follow_up_words())
    results = []
    for name, config in RANKERS.items():
        folds = fold_scores(entries, config)
        for values in itertools.product(*GRID.values()):
            params = dataclasses.replace(PARAMS, **dict(zip(GRID, values, strict=True)))
            results.append((score(entries, folds, parsed, sites, reader, params), name, params))
    results.sort(key=lambda r: r[0], reverse=True)
    current = next(r for r in results if r[2] == PARAMS and r[1] == IN_USE)
    rows = [
        "| preference weight | topic floor | stated bonus | min similarity | sure similarity | entry right |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    no_preference = max((r for r in results if r[2].preference_weight == 0.0), key=lambda r: r[0])
    for value, _name, params in results[:8] + [no_preference, current]:
        rows.append(
            f"| {params.preference_weight} | {params.topic_floor} | {params.stated_bonus} | {params.min_similarity} "
            f"| {params.sure_similarity} | {value:.3f} |"
        )
    print("\n".join(rows))
    block = "\n".join(
        [
            f"Development set: {len(texts)} `asked_as` examples through the trained NLU ({model.name}), "
            f"{FOLDS}-fold cross-validation of the ranker. Best 8 settings, the best without the trained "
            "preference (the nearest example alone), then the one in use. "
            "Command: `python -m bench.answer_tuning models/helpline.tar.gz`.",
            "",
            *rows,
        ]
    )
    write_block("answer-tuning", block, "Answer ranking: parameters")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
