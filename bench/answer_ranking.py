"""Compares ways of ranking content entries, by cross-validation on the entries' own `asked_as`.

Each fold holds out a fifth of every entry's examples, fits the ranker on the rest and asks:
within the held-out example's topic, is its own entry ranked first? The frozen answer set
(tests/nlu/answers.yml) is not used to choose; it measures the chosen ranking through the
whole pipeline (`python -m bot.nlu answers`). Writes BENCHMARKS.md's "Answer ranking" table.
Run with `make bench-ranking`.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any, Callable, Sequence

from bench.report import write_block
from bot.content.ranker import EntryRanker, RankerConfig
from bot.content.schema import read_content_dir
from bot.content.specs import EntrySpec
from tests.conftest import CONTENT_DIR

FOLDS = 5
CANDIDATES: dict[str, RankerConfig] = {
    "words (1-2 grams)": RankerConfig(word=True, char=False),
    "characters (3-5 grams)": RankerConfig(word=False, char=True),
    "words + characters": RankerConfig(word=True, char=True),
}


def _fold(entries: Sequence[EntrySpec], fold: int) -> tuple[list[EntrySpec], list[tuple[int, str]]]:
    train, held = [], []
    for index, entry in enumerate(entries):
        keep = [a for i, a in enumerate(entry.asked_as) if i % FOLDS != fold]
        held += [(index, a) for i, a in enumerate(entry.asked_as) if i % FOLDS == fold]
        train.append(dataclasses.replace(entry, asked_as=tuple(keep) or entry.asked_as[:1]))
    return train, held


class _Preferences:
    """The trained SVM's preferences alone, or blended with the nearest example's similarity."""

    def __init__(self, entries: Sequence[EntrySpec], weight: float):
        self._ranker = EntryRanker(entries)
        self._weight = weight

    def scores(self, text: str):
        similarity = self._ranker.scores(text) if self._weight < 1 else 0.0
        return (1 - self._weight) * similarity + self._weight * self._ranker.preferences(text)


def accuracy(entries: Sequence[EntrySpec], make: Callable[[Sequence[EntrySpec]], Any]) -> tuple[float, int]:
    right = total = 0
    for fold in range(FOLDS):
        train, held = _fold(entries, fold)
        ranker = make(train)
        for index, text in held:
            scores = ranker.scores(text)
            topic = entries[index].topic
            same = [i for i, e in enumerate(entries) if e.topic == topic]
            best = max(same, key=lambda i: scores[i])
            right += best == index
            total += 1
    return right / total, total


def main() -> int:
    entries = read_content_dir(CONTENT_DIR).entries
    rows = ["| ranking | top-1 within the topic | held-out examples | fit + rank time |", "| --- | --- | --- | --- |"]
    makers: dict[str, Callable] = {
        f"nearest example, {name}": (lambda train, c=config: EntryRanker(train, c))
        for name, config in CANDIDATES.items()
    }
    makers["trained preference (linear SVM, characters + words)"] = lambda train: _Preferences(train, 1.0)
    makers["half nearest example (characters), half trained preference"] = lambda train: _Preferences(train, 0.5)
    for name, make in makers.items():
        start = time.perf_counter()
        score, total = accuracy(entries, make)
        rows.append(f"| {name} | {score:.3f} | {total} | {time.perf_counter() - start:.1f} s |")
        print(rows[-1])
    block = "\n".join(
        [
            f"{len(entries)} entries, {FOLDS}-fold cross-validation on their `asked_as`. "
            "Command: `make bench-ranking` (bench/answer_ranking.py).",
            "",
            *rows,
        ]
    )
    write_block("answer-ranking", block, "Answer ranking")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
